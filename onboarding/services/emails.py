"""The two onboarding emails (seed 000): a template's placeholders filled with the client's real
values, previewed, then sent through the outbox and recorded on the client's timeline."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from people.outbox import email_enqueue

from ..models import EmailTemplate, FormKind, OnboardingEmail, StepTemplate, placeholders_in
from .checklist import escalation_path, step_mark_done_by_kind
from .intake import form_link_create

LINK_LATER = "(a signed link, made when you send)"
STEP_OF = {
    EmailTemplate.Code.INTRO: StepTemplate.Kind.INTRO_EMAIL,
    EmailTemplate.Code.FORMS: StepTemplate.Kind.FORMS_EMAIL,
}


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _title(user) -> str:
    profile = getattr(user, "profile", None) if user else None
    return profile.job_title if profile else ""


def email_values(*, client, contact, links: dict | None = None) -> dict:
    """What each placeholder stands for, for this client and contact."""
    lead = client.memberships.filter(is_lead=True).select_related("user__profile").first()
    am = lead.user if lead else None
    onboarding = getattr(client, "onboarding", None)
    owner = onboarding.new_business_owner if onboarding else None
    links = links or {}
    return {
        "contact_first_name": (contact.name.split() or [contact.name])[0] if contact else "",
        "client_name": client.name,
        "am_name": _name(am),
        "am_first_name": am.first_name if am else "",
        "am_title": _title(am),
        "new_business_owner": _name(owner),
        "new_business_title": _title(owner),
        "start_date": f"{client.start_date:%-d %B}" if client.start_date else "the start date we agree",
        "onboarding_form_link": links.get("onboarding", LINK_LATER),
        "finance_form_link": links.get("finance", LINK_LATER),
        "escalation_path": escalation_path(client),
    }


def email_render(template: EmailTemplate, values: dict) -> tuple[str, str]:
    placeholders_in(template.subject)  # a template saved before a placeholder was retired
    placeholders_in(template.body)
    return template.subject.format_map(values), template.body.format_map(values)


def _template(code: str) -> EmailTemplate:
    template = EmailTemplate.objects.filter(code=code).first()
    if template is None:
        raise ValidationError("This email has no template yet: an admin adds it in the Django admin.")
    return template


def email_preview(*, client, code: str, contact) -> dict:
    template = _template(code)
    subject, body = email_render(template, email_values(client=client, contact=contact))
    return {"template": template, "subject": subject, "body": body, "to": contact.email if contact else ""}


def _link_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("onboarding:public_form", args=[token])


@transaction.atomic
def onboarding_email_send(*, client, code: str, contact, by) -> OnboardingEmail:
    """Send the template to the contact; the forms email makes the contact's signed form links."""
    if contact is None or not contact.email or contact.client_id != client.pk:
        raise ValidationError({"contact": "Choose a contact of this client with an email address."})
    template = _template(code)
    links = {}
    if code == EmailTemplate.Code.FORMS:
        kind = FormKind.BRIEF if client.engagement_type == "project" else FormKind.ONBOARDING
        links["onboarding"] = _link_url(form_link_create(client=client, kind=kind, by=by, contact=contact)[1])
        links["finance"] = _link_url(
            form_link_create(client=client, kind=FormKind.FINANCE, by=by, contact=contact)[1]
        )
    subject, body = email_render(template, email_values(client=client, contact=contact, links=links))
    message = email_enqueue(subject=subject, body=body, to=[contact.email])
    sent = OnboardingEmail.objects.create(
        client=client,
        code=code,
        to=contact.email,
        subject=subject[:200],
        body=body,
        sent_by=by,
        message=message,
    )
    step_mark_done_by_kind(client=client, kind=STEP_OF[code], by=by, note=f"Sent to {contact.email}.")
    return sent
