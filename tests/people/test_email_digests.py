"""A person's many reminders from one beat run come as one email; each stays a notice of its own.

PRODUCT.md §3: notifications go by email and appear in the in-app list. An AM whose eight contracts
reach a renewal stage on the same day hears once, with every contract and its link listed, instead of
eight times; one or two reminders still come on their own. A rerun sends nothing.
"""

import datetime as dt

from django.core import mail
from django.urls import reverse

from commercial.services.contracts import contract_renewal_reminders
from people.models import Notification
from people.outbox import outbox_deliver
from people.services import DIGEST_FROM

from ..factories import ClientFactory, ContractFactory, MembershipFactory

TODAY = dt.date(2026, 11, 26)
ENDS = dt.date(2027, 1, 20)  # 55 days on: the 60-day stage


def contracts_for(am, names):
    out = []
    for name in names:
        client = ClientFactory(name=name)
        MembershipFactory(client=client, user=am, is_lead=True)
        out.append(ContractFactory(client=client, end_date=ENDS))
    return out


def emails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_many_renewals_for_one_person_come_as_one_email_listing_each(world, login):
    names = [f"Client {n}" for n in range(8)]
    contracts = contracts_for(world.team_am, names)
    assert len(names) >= DIGEST_FROM
    report = contract_renewal_reminders(today=TODAY)
    assert report.failed == [] and report.done == 2 * 8  # the lead AM and the head of CS, each contract
    assert outbox_deliver().sent == 2  # one email each
    (email,) = emails_to(world.team_am)
    assert email.subject == "Contract renewal reminders: 8 for you"
    for contract in contracts:
        assert f"Renewal in 60 days: {contract.client.name} ends 20 Jan 2027" in email.body
        assert f"/clients/{contract.client_id}/" in email.body
    assert len(emails_to(world.head)) == 1
    # each reminder is still its own notice in the app, with its own link
    notes = Notification.objects.filter(user=world.team_am, key__endswith="-renewal-60")
    assert notes.count() == 8
    page = login(world.team_am).get(reverse("people:notifications"))
    assert all(name.encode() in page.content for name in names)
    # a rerun: nothing new to tell, nothing sent
    assert contract_renewal_reminders(today=TODAY).done == 0
    assert outbox_deliver().sent == 0 and len(mail.outbox) == 2


def test_one_or_two_reminders_still_come_on_their_own(world):
    contracts_for(world.team_am, ["Alpha", "Bravo"])
    contract_renewal_reminders(today=TODAY)
    outbox_deliver()
    subjects = sorted(m.subject for m in emails_to(world.team_am))
    assert subjects == [
        "Renewal in 60 days: Alpha ends 20 Jan 2027",
        "Renewal in 60 days: Bravo ends 20 Jan 2027",
    ]
    assert len(emails_to(world.head)) == 2
