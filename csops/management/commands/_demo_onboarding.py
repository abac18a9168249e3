"""The demo's onboarding (issue 14): two pitches in flight (one with a misfitting CS person), one
won last week and mid-onboarding with an overdue step, one whose onboarding form waits on the
client's link. Idempotent: a pitch already there (by prospect) is left alone."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from clients.models import Contact, Industry
from onboarding.models import OnboardingStep, Pitch, StepTemplate
from onboarding.services.checklist import step_complete
from onboarding.services.emails import onboarding_email_send
from onboarding.services.pitches import pitch_win
from people.models import Role, StaffProfile

SELLER = ("newbiz", "Nina", "Brooks", "New Business Executive")

# prospect, domain, industry, size, spend, services, proposed CS (username), fit note,
# days until the pitch (in flight) or since the win (won)
PITCHES = [
    (
        "Solent Sailing",
        "solent-sailing.example",
        "Hospitality & travel",
        "medium",
        "4000",
        ["seo", "ppc"],
        "senior",
        "Sam and their marketing lead are both ex-agency, straight talkers.",
        6,
        None,
    ),
    (
        "Granary Bakeries",
        "granary.example",
        "Food & drink",
        "large",
        "7500",
        ["ppc", "social", "content"],
        "ae",
        "Ella knows the founder from a previous account.",
        10,
        None,
    ),
    (
        "Cairn Whisky",
        "cairn-whisky.example",
        "Food & drink",
        "medium",
        "3200",
        ["seo", "digital_pr"],
        "am",
        "Amy ran a drinks brand before; same tone of voice.",
        None,
        7,
    ),
    (
        "Fernhill Florists",
        "fernhill.example",
        "Ecommerce & retail",
        "small",
        "1200",
        ["ppc"],
        "am2",
        "Tom is calm and detailed, as their owner asked for.",
        None,
        3,
    ),
]


def _seller(password: str):
    User = get_user_model()
    username, first, last, title = SELLER
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@agency.example"},
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    profile, _ = StaffProfile.objects.get_or_create(
        user=user, defaults={"job_title": title, "level": "senior"}
    )
    profile.roles.add(Role.objects.get(code=Role.NEW_BUSINESS))
    return user


def seed_onboarding(*, today, users, password: str) -> int:
    """Returns how many pitches it added."""
    seller = _seller(password)
    added = 0
    for name, domain, industry, size, spend, services, cs, note, ahead, won_ago in PITCHES:
        if Pitch.objects.filter(prospect_name=name).exists():
            continue
        pitch_date = (
            today + datetime.timedelta(days=ahead) if ahead else today - datetime.timedelta(days=won_ago + 5)
        )
        pitch = Pitch.objects.create(
            prospect_name=name,
            domain=domain,
            industry=Industry.objects.filter(name=industry).first(),
            client_size=size,
            engagement_type="retained",
            monthly_spend=Decimal(spend),
            services=services,
            new_business_owner=seller,
            decision="yes",
            decision_reason="Passed 'should we pitch': budget, fit, timing.",
            proposed_cs=users[cs],
            fit_note=note,
            cs_attends=ahead is not None and ahead < 8,
            pitch_date=pitch_date,
            created_by=seller,
        )
        added += 1
        if won_ago is None:
            continue
        won_on = today - datetime.timedelta(days=won_ago)
        client = pitch_win(
            pitch=pitch, by=seller, won_on=won_on, start_date=won_on + datetime.timedelta(days=21)
        )
        client.exec_sponsor = users["sponsor"]  # the head of CS assigns one at the win (quarterly NPS)
        client.save(update_fields=["exec_sponsor", "updated_at", "version"])
        contact = Contact.objects.create(
            client=client,
            name="Karen Wright" if name.startswith("Cairn") else "Liam Novak",
            title="Marketing Director",
            email=f"marketing@{domain}",
            decision_maker=True,
            stance="friend",
        )
        intro = OnboardingStep.objects.get(onboarding__client=client, kind=StepTemplate.Kind.INTRO_EMAIL)
        if name.startswith("Cairn"):
            # the intro went out; the AM's forms email (due three days after the win) is overdue
            step_complete(step=intro, by=seller, note="Sent from my inbox on the day.")
        else:
            onboarding_email_send(client=client, code="intro", contact=contact, by=seller)
            onboarding_email_send(client=client, code="forms", contact=contact, by=users[cs])
    return added
