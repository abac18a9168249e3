import django_filters
from django.db.models import Q

from reporting.models import BandTable, ReportingBand

from .models import Action, Call, Client, Contact, EngagementType, Flag, Tier
from .selectors import matrix_choices, staff_choices


class ClientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_q")
    tier = django_filters.ModelChoiceFilter(queryset=Tier.objects.all(), empty_label="Any")
    status = django_filters.ChoiceFilter(choices=Client.Status.choices, empty_label="Any")
    engagement_type = django_filters.ChoiceFilter(
        label="Engagement", choices=EngagementType.choices, empty_label="Any"
    )
    # plain choices from one narrow query: a ModelChoiceFilter builds a model per person on every render
    lead = django_filters.ChoiceFilter(label="Lead AM", choices=(), method="filter_lead", empty_label="Any")
    band = django_filters.ModelChoiceFilter(
        label="Spend band", queryset=ReportingBand.objects.all(), method="filter_band", empty_label="Any"
    )
    archived = django_filters.ChoiceFilter(
        label="Show",
        choices=[("only", "Archived"), ("all", "All")],
        empty_label="Current",
        method="filter_archived",
    )
    ordering = django_filters.OrderingFilter(
        label="Sort by",
        empty_label="Name",
        fields=(
            ("name", "name"),
            ("tier__rank", "tier"),
            ("amount_sort", "spend"),
            ("status", "status"),
            ("start_date", "start"),
        ),
        field_labels={"tier__rank": "Tier", "amount_sort": "Spend / value", "start_date": "Start date"},
    )

    class Meta:
        model = Client
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        lead = self.filters["lead"]
        # built once per change to the staff, shared (clients/selectors.py)
        lead.extra["choices"] = staff_choices(request)
        # a form field built before (the API schema reads the class's filters) would keep old choices
        lead.__dict__.pop("_field", None)

    def controls(self) -> list[dict]:
        """The form's fields for the list's hand-written template: id, name, label, value, errors and a
        picker's options as plain (value, label) pairs — the tiers and bands from matrix_choices(), so
        rendering builds no model per option and no widget template per option (the list's hotspot)."""
        models = matrix_choices(self.request)
        rows = []
        for bound in self.form:
            field, value = bound.field, bound.value()
            if isinstance(value, list | tuple):  # the ordering's CSV field
                value = ",".join(map(str, value))
            if bound.name in models:
                options = [("", field.empty_label), *models[bound.name]]
            else:
                options = getattr(field, "choices", None)
            rows.append(
                {
                    "id": bound.auto_id,
                    "name": bound.html_name,
                    "label": bound.label,
                    "value": "" if value is None else str(value),
                    "options": options,
                    "errors": bound.errors,
                }
            )
        return rows

    @property
    def form(self):
        form = super().form
        # Bootstrap classes set once here, so the list renders its fields without crispy's templates
        for field in form.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if hasattr(field.widget, "choices") else "form-control"
            )
        return form

    @property
    def qs(self):
        qs = super().qs
        # Archived clients stay out of the list unless asked for.
        if not self.form.cleaned_data.get("archived"):
            qs = qs.active()
        # Equal spends or tiers must not shuffle between page loads (and pages): break ties by name.
        return qs.order_by(*(qs.query.order_by or ()), "name", "pk")

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(domain__icontains=value) | Q(industry__name__icontains=value)
        )

    def filter_lead(self, queryset, name, value: int):  # the hint: the API schema's type for it
        return queryset.filter(memberships__user_id=value, memberships__is_lead=True)

    def filter_band(self, queryset, name, value: int):  # a ReportingBand, chosen by its id
        # bands are in pounds: other currencies are converted at the admin-set rate first
        return BandTable.load().with_pounds(queryset).filter(value.amount_q())

    def filter_archived(self, queryset, name, value):
        return {"only": queryset.archived(), "all": queryset}.get(value, queryset.active())


# --- the records without a page list of their own: API and exports filter them (issue 19) ----------


class ContactFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="client_id")
    email = django_filters.CharFilter(lookup_expr="iexact")
    archived = django_filters.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Contact
        fields = ["client", "seniority", "stance", "rag", "decision_maker"]


class CallFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="client_id")
    author = django_filters.NumberFilter(field_name="author_id")
    held_after = django_filters.IsoDateTimeFilter(field_name="held_at", lookup_expr="gte")
    held_before = django_filters.IsoDateTimeFilter(field_name="held_at", lookup_expr="lt")

    class Meta:
        model = Call
        fields = ["client", "author", "held", "kind"]


class FlagFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="client_id")
    owner = django_filters.NumberFilter(field_name="owner_id")
    raised_after = django_filters.IsoDateTimeFilter(field_name="raised_at", lookup_expr="gte")

    class Meta:
        model = Flag
        fields = ["client", "owner", "status", "severity", "source"]


class ActionFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="client_id")
    owner = django_filters.NumberFilter(field_name="owner_id")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lt")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")

    class Meta:
        model = Action
        fields = ["client", "owner", "status"]
