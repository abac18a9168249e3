"""Factories for commercial's growth and relationship-investment models (issue 15)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from commercial.models import Channel, DelightRound
from csops.dates import month_start
from people.models import Role
from tests.factories import CallFactory, ClientFactory, ContactFactory, staff


def channel(name="Paid search"):
    """A channel of the admin list (the data migration loads the seed's ten)."""
    return Channel.objects.get_or_create(name=name)[0]


class ChannelRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commercial.ChannelRow"

    client = factory.SubFactory(ClientFactory)
    channel = factory.LazyFunction(channel)
    worker = "nobody"


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commercial.Opportunity"

    client = factory.SubFactory(ClientFactory)
    service = factory.LazyFunction(lambda: channel("CRM / email"))
    title = factory.Sequence(lambda n: f"CRM programme {n}")
    kind = "cross_sell"
    value = Decimal("1000")
    value_period = "monthly"
    probability = 50
    stage = "discovery"
    owner = factory.LazyFunction(lambda: staff(Role.ACCOUNT_MANAGER))
    created_by = factory.SelfAttribute("owner")


class AuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commercial.Audit"

    opportunity = factory.SubFactory(OpportunityFactory)
    requested_by = factory.SelfAttribute("opportunity.owner")
    assignee = factory.SelfAttribute("opportunity.owner")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=5))
    audience = "the CMO"


class EntertainmentAccrualFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commercial.EntertainmentAccrual"

    client = factory.SubFactory(ClientFactory)
    month = factory.LazyFunction(lambda: month_start(timezone.localdate()))
    amount = Decimal("100")


class EntertainmentEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commercial.EntertainmentEvent"

    client = factory.SubFactory(ClientFactory)
    title = factory.Sequence(lambda n: f"Lunch {n}")
    held_on = factory.LazyFunction(timezone.localdate)
    venue = "The Ivy"
    estimated_cost = Decimal("80")
    created_by = factory.LazyFunction(lambda: staff(Role.ACCOUNT_MANAGER))


class DelightRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commercial.DelightRound"
        django_get_or_create = ["month"]

    month = factory.LazyFunction(lambda: month_start(timezone.localdate()))
    closes_on = factory.LazyAttribute(lambda r: r.month.replace(day=7))
    budget = Decimal("50")
    status = DelightRound.Status.OPEN


class DelightVoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commercial.DelightVote"

    round = factory.SubFactory(DelightRoundFactory)
    voter = factory.LazyFunction(lambda: staff(Role.ACCOUNT_MANAGER))
    client = factory.SubFactory(ClientFactory)
    reason = "They had a tough quarter and stuck with us."


class DelightGiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commercial.DelightGift"

    round = factory.SubFactory(
        DelightRoundFactory, status="decided", winner=factory.SubFactory(ClientFactory)
    )
    contact = factory.SubFactory(ContactFactory)
    what = "Signed rugby shirt"
    why_personal = "She plays for her county."
    cost = Decimal("45")


__all__ = ["CallFactory"]
