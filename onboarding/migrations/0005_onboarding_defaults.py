"""The seed's defaults: spend bands (with the tier each suggests), the checklist in the seed's order,
its two emails (seed 000, "Initial intro" and "Onboarding, Finance and Contracts"), and the
face-to-face threshold. Admins change them all in the Django admin."""

from decimal import Decimal

from django.db import migrations

# engagement, from, to, suggested tier rank
BANDS = [
    ("retained", 0, 1500, 4),
    ("retained", 1501, 3000, 3),
    ("retained", 3001, 6000, 2),
    ("retained", 6001, None, 1),
    ("project", 0, 5000, 4),
    ("project", 5001, 10000, 3),
    ("project", 10001, None, 2),
]
TOP_BAND_FACTOR = Decimal("1.5")  # the £6,001+ retainer gets senior time (Tier 1): CS priced up

# order, title, description, owner, kind, due days after the win
STEPS = [
    (1, "Intro email from the new-business owner", "Follow up the call that broke the news with a separate email "
     "introducing the AM, who will organise the kick-off and the comms plan session.", "new_business", "intro_email", 1),
    (2, "AM's email: contract draft, onboarding form, finance form", "A draft of the contract/SLA/project agreement, "
     "the onboarding form and the finance form, and dates for the onboarding session.", "lead_am", "forms_email", 3),
    (3, "Onboarding form back from the client", "Domain, contacts, history, objectives, competitors, channels, "
     "T&Cs/SLA (or the brief for project work).", "lead_am", "form_back", 10),
    (4, "Finance form back from the client", "Billing entity, address, invoice email, PO, VAT, payment terms.",
     "lead_am", "finance_back", 10),
    (5, "Contract signed", "All work has a paper trail: the brief is clear, no grey.", "lead_am", "plain", 14),
    (6, "Internal onboarding", "Led by the salesperson who won the client: what was pitched (run through the deck); "
     "the team is chosen here and becomes the account team.", "new_business", "internal", 7),
    (7, "Onboarding meeting", "Agenda: ways of working, comms plan, reporting. The AM leads and captures the actions, "
     "emailed to the client with the escalation path after the meeting.", "lead_am", "meeting", 14),
    (8, "Comms plan agreed", "Reporting format and frequency, calls, dashboard: as agreed in the meeting.",
     "lead_am", "plain", 16),
    (9, "Client goes active", "Into day-to-day delivery.", "head_of_cs", "go_live", 21),
]

INTRO = """Hello {contact_first_name},

Thanks for the call earlier. We are obviously over the moon that you're going with us, and the team is excited to get started!

To ensure the onboarding process is seamless, I want to introduce you immediately to {am_name}, who will manage your account and be your day-to-day contact point from our side.

{am_first_name} will reach out in reply to this email chain and organise a kick-off session with you, as well as one internally here with the relevant team members from our side. You are welcome to attend the internal one if you wish - it can be a great way to kick off the relationship and put some faces to names.

The critical bit will be the session with you, however, as we can then organise your comms plan (how, when, where and why you want us to share updates, reports, and so on) - so please let us know what day works for you in the next week or so.

In the meantime, {am_first_name} will set up our standard agreement and send a draft copy over to you for your perusal and comments.

Thanks again - we can't wait to get started!

Regards,

{new_business_owner}
{new_business_title}
"""

FORMS = """Hello {contact_first_name},

Great to hear you're going to be working with us! As explained by {new_business_owner}, I'm going to be your point of contact moving forwards for reporting, comms and so on. The team will, of course, be available but my job is to ensure you get what you want, when you want it.

To that end I want to tackle two key strands now to get the boring stuff out of the way so we can start the important work on {start_date}:

1. Contract - I'll send a draft copy of our standard agreement. It's very simple and straightforward, but do come back with any questions or comments.
2. Our onboarding and finance forms - these capture all the important details now, so no one has to ask twice:
   Onboarding form: {onboarding_form_link}
   Finance form: {finance_form_link}

Alongside this we'd like to set up an onboarding session here at our offices if possible: there is no better way to get to know the team who will be working on your account. If you'd rather we came to you, or a call, we get it.

In that session we can agree comms, reporting and present our initial view on strategy for your input.

If anything goes wrong, the path is: {escalation_path}.

Kind regards,

{am_name}
{am_title}
"""


def load(apps, schema_editor):
    Tier = apps.get_model("clients", "Tier")
    SpendBand = apps.get_model("onboarding", "SpendBand")
    CsPrice = apps.get_model("onboarding", "CsPrice")
    StepTemplate = apps.get_model("onboarding", "StepTemplate")
    EmailTemplate = apps.get_model("onboarding", "EmailTemplate")
    OnboardingPolicy = apps.get_model("onboarding", "OnboardingPolicy")
    tiers = {t.rank: t for t in Tier.objects.all()}
    if not tiers:
        return  # a database without the seeded tiers (clients 0002): nothing to suggest
    for engagement, low, high, rank in BANDS:
        tier = tiers.get(rank) or tiers[max(tiers)]
        band, _ = SpendBand.objects.get_or_create(
            engagement_type=engagement,
            min_amount=low,
            defaults={"max_amount": high, "suggested_tier": tier},
        )
        if engagement == "retained" and high is None:
            for price in CsPrice.objects.filter(industry=None, spend_band=None):
                CsPrice.objects.get_or_create(
                    industry=None,
                    spend_band=band,
                    client_size=price.client_size,
                    service=price.service,
                    defaults={"monthly_fee": round(price.monthly_fee * TOP_BAND_FACTOR / 25) * 25},
                )
    for order, title, description, owner, kind, days in STEPS:
        StepTemplate.objects.get_or_create(
            order=order,
            defaults={"title": title, "description": description, "owner": owner, "kind": kind, "due_days": days},
        )
    EmailTemplate.objects.get_or_create(
        code="intro", defaults={"subject": "Welcome to the agency: meet {am_name}", "body": INTRO}
    )
    EmailTemplate.objects.get_or_create(
        code="forms",
        defaults={"subject": "{client_name}: contract, onboarding and finance forms", "body": FORMS},
    )
    if not OnboardingPolicy.objects.exists():
        OnboardingPolicy.objects.create(face_to_face_min_spend=3000)


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0004_pitches_onboarding_intake"), ("clients", "0006_tier_lead_roles")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
