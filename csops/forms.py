"""Form helpers shared by every app: sane dates, edit versions, form tokens, the widgets' renderer."""

import datetime
import secrets

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models.fields.files import FieldFile
from django.forms import renderers
from django.template import TemplateDoesNotExist
from django.utils import timezone
from django.utils.text import capfirst

# --- dates people type ---------------------------------------------------------------------------------

# A year such as 0001 or 9999 is a typo, and beyond Python's date range the arithmetic the app does
# on dates (a review three months on, a diary entry's end a day later) overflows: a 500, or a feed
# that breaks for everyone who subscribes to it. Every date and date-time a form accepts is in here.
DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)


def validate_sane_date(value) -> None:
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError(
            f"Enter a date between {DATE_MIN.year} and {DATE_MAX.year}.", code="date_out_of_range"
        )


class SaneDatesMixin:
    """Bounds every date and date-time field of the form to DATE_MIN–DATE_MAX."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField | forms.DateTimeField):
                field.validators.append(validate_sane_date)


# --- edit forms carry the version they were loaded at (csops/versioning.py) ----------------------------


def _shown(instance, field) -> str:
    """A field's value as a person reads it, for the "changed meanwhile" message."""
    value = getattr(instance, field.name)
    if field.choices and not field.is_relation:
        value = dict(field.flatchoices).get(value, value)
    if value is None or value == "" or (isinstance(value, FieldFile) and not value):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%d %b %Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d %b %Y}"
    if isinstance(value, FieldFile):
        value = value.name.rsplit("/", 1)[-1]
    text = " ".join(str(value).split())
    return text if len(text) <= 120 else f"{text[:119]}…"


def _last_saved_by(current) -> str:
    history = getattr(current, "history", None)
    record = history.select_related("history_user").first() if history is not None else None
    if record is None:
        return "Someone else saved it"
    user = record.history_user
    who = (user.get_full_name() or user.get_username()) if user else "Someone else"
    return f"{who} saved it at {timezone.localtime(record.history_date):%H:%M on %d %b}"


class VersionedFormMixin:
    """An edit ModelForm that sends back the version of the row it was loaded at.

    The service saving it claims that version (csops.versioning.version_claim); on StaleEdit the
    view calls refuse_stale(), which puts what is stored now beside what was sent on the form.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=0, initial=self.instance.version
            )

    def clean(self):
        data = super().clean()
        if "version" in self.fields and data.get("version") is None and "version" not in self.errors:
            self.add_error(None, "This form is out of date: reload the page and make your change again.")
        return data

    def refuse_stale(self, exc) -> None:
        current = exc.current
        noun = current._meta.verbose_name
        self.add_error(
            None,
            f"This {noun} changed after you opened the form ({_last_saved_by(current)}), so your "
            "changes were not saved. What is stored now differs from what you sent in:",
        )
        differences = 0
        for name in self.fields:
            try:
                field = current._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.value_from_object(current) != field.value_from_object(self.instance):
                differences += 1
                self.add_error(
                    None,
                    f"{capfirst(field.verbose_name)}: now “{_shown(current, field)}”, "
                    f"you sent “{_shown(self.instance, field)}”.",
                )
        if not differences:
            self.add_error(None, "(none of the fields on this form: the change was elsewhere.)")
        self.add_error(None, "Check the form below and save again to keep yours, or cancel to keep theirs.")
        # The form comes back at the current version: saving again is a decision made in view of it.
        data = self.data.copy()
        data[self.add_prefix("version")] = str(current.version)
        self.data = data


# --- create forms create once (people/submissions.py) ------------------------------------------------


class SubmitOnceMixin:
    """A create form carrying a one-time token, so that sending it twice creates one row."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is None or instance.pk is None:
            self.fields["form_token"] = forms.CharField(
                widget=forms.HiddenInput, required=False, max_length=64, initial=secrets.token_urlsafe(24)
            )


def integrity_error_on_form(form) -> None:
    """A save broke a database rule the form had checked: someone saved a clashing row meanwhile.

    The form's checks run again — the rival row is committed now, so they see it and say which
    field clashes ("… already has the domain …"); if they still find nothing, a general message.
    """
    form.full_clean()
    if form.is_valid():
        form.add_error(
            None,
            "This could not be saved: it clashes with something saved at the same moment. "
            "Check the form and save again.",
        )


def submitted(form) -> dict:
    """The form's cleaned data without its token and version: what the service is given."""
    return {k: v for k, v in form.cleaned_data.items() if k not in ("form_token", "version")}


# --- how widgets render (settings.FORM_RENDERER) ----------------------------------------------------


class FormRenderer(renderers.BaseRenderer):
    """Widgets through Django's own Jinja2 widget templates, the same HTML as its Django-language ones
    at about half the CPU (every field of every form on a page is a widget); a template only written
    in Django's language — the admin's widget wrappers — through Django's renderer."""

    def __init__(self):
        self._jinja2, self._django = renderers.Jinja2(), renderers.DjangoTemplates()

    def get_template(self, template_name):
        try:
            return self._jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)
