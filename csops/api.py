"""What every REST API endpoint shares (issue 19): paging, form-backed writes, errors as 400s.

The API's writes go through the web's own forms and services, so they keep the web's rules and
messages: `form_or_400` runs the form and turns its errors into a 400 with field errors (DRF's
shape, `{"field": ["message"]}`), and `form_serializer` describes the same form to the OpenAPI
schema, so the docs cannot drift from what the form accepts. A ValidationError a service raises
becomes a 400 too (`exception_handler`), never a 500.
"""

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD = "non_field_errors"


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _errors_of(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {("non_field_errors" if k == "__all__" else k): v for k, v in error.message_dict.items()}
    return {NON_FIELD: error.messages}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(_errors_of(exc))
    elif isinstance(exc, IntegrityError):
        # a database rule the form had checked, broken by a write at the same moment
        exc = ValidationError(
            {NON_FIELD: ["This clashes with something saved at the same moment: try again."]}
        )
    return drf_exception_handler(exc, context)


def form_data(request, form: forms.BaseForm, required=()) -> dict:
    """The request's JSON (or form) body, with what it leaves out at the form's defaults.

    An HTML checkbox missing from a post means False; in JSON a missing field means "the default",
    so absent fields take the form's initial value (a ModelForm's are the model's defaults) —
    except those in `required`, which must be sent."""
    data = {}
    for name in form.fields:
        if name in required or name == "form_token":
            continue
        value = form[name].initial
        if value is not None:
            data[name] = [getattr(v, "pk", v) for v in value] if isinstance(value, list | tuple) else value
    body = request.data
    for key in body:
        data[key] = (
            body.getlist(key) if hasattr(body, "getlist") and len(body.getlist(key)) > 1 else body[key]
        )
    return data


def form_or_400(form: forms.BaseForm) -> dict:
    """The form's cleaned data (without the web's one-time token), or a 400 with its field errors."""
    form.fields.pop("form_token", None)  # the web's double-submit guard; an API client retries knowingly
    if not form.is_valid():
        raise ValidationError(
            {
                (NON_FIELD if k == "__all__" else k): [e["message"] for e in v]
                for k, v in form.errors.get_json_data().items()
            }
        )
    return {k: v for k, v in form.cleaned_data.items() if k not in ("form_token", "version")}


_FIELD_TYPES = [
    (forms.ModelMultipleChoiceField, lambda f: serializers.ListField(child=serializers.IntegerField())),
    (forms.ModelChoiceField, lambda f: serializers.IntegerField()),
    (forms.TypedChoiceField, lambda f: serializers.ChoiceField(choices=[c for c in f.choices if c[0] != ""])),
    (forms.ChoiceField, lambda f: serializers.ChoiceField(choices=[c for c in f.choices if c[0] != ""])),
    (forms.BooleanField, lambda f: serializers.BooleanField()),
    (forms.IntegerField, lambda f: serializers.IntegerField(min_value=f.min_value, max_value=f.max_value)),
    (
        forms.DecimalField,
        lambda f: serializers.DecimalField(max_digits=f.max_digits, decimal_places=f.decimal_places),
    ),
    (forms.DateTimeField, lambda f: serializers.DateTimeField()),
    (forms.DateField, lambda f: serializers.DateField()),
]


def form_serializer(name: str, form_class, *, exclude=(), extra=None):
    """A serializer class describing `form_class`'s fields (its class-level ones: no query is made),
    for the OpenAPI schema only."""
    fields = dict(extra or {})
    for field_name, field in form_class.base_fields.items():
        if field_name in ("form_token", "version") or field_name in exclude:
            continue
        make = next((m for t, m in _FIELD_TYPES if isinstance(field, t)), lambda f: serializers.CharField())
        made = make(field)
        made.required = field.required
        made.help_text = str(field.help_text or field.label or "")
        fields[field_name] = made
    return type(name, (serializers.Serializer,), fields)
