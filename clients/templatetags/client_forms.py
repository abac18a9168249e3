"""Filters for the client pages' hand-written hot forms (clients/partials/field.html)."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def with_selected(options_html: str, value) -> str:
    """A picker's options built once as HTML (selectors.staff_options_html), with `value` selected."""
    mark = f'<option value="{escape(value)}">'
    return mark_safe(str(options_html).replace(mark, mark[:-1] + " selected>", 1))  # noqa: S308 (escaped)


@register.filter
def as_input(field):
    """A text or date field's input as crispy-bootstrap5 renders it: Bootstrap's form-control, and
    when the form comes back with an error, is-invalid with the error as its description."""
    attrs = {"class": "form-control is-invalid" if field.errors else "form-control"}
    if field.errors:
        attrs |= {"aria-invalid": "true", "aria-describedby": f"{field.auto_id}_error"}
    return field.as_widget(attrs=attrs)
