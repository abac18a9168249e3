"""REST API for clients and their day-to-day records (issue 19), wired in csops/api_urls.py.

Reads are the person's own scope (`Client.objects.for_user`): another person's object is a 404, as
on the web. Writes take the web's form (its rules and messages), ask clients/permissions.py about the
object, and call the same service the web view calls.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action as api_action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from csops.api import form_data, form_or_400, form_serializer

from . import permissions as perms
from .filters import ActionFilter, CallFilter, ClientFilter, ContactFilter, FlagFilter
from .forms.activity import ActionForm, CallForm, FlagForm
from .models import Action, Call, Client, Contact, Flag, leads_prefetch
from .services import activity as svc

# --- serializers (what a read returns) ---------------------------------------------------------------


class ClientSerializer(serializers.ModelSerializer):
    tier = serializers.CharField(source="tier.name", read_only=True)
    industry = serializers.CharField(source="industry.name", read_only=True, allow_null=True)
    lead = serializers.SerializerMethodField()

    class Meta:
        model = Client
        fields = [
            "id",
            "name",
            "domain",
            "status",
            "engagement_type",
            "tier",
            "industry",
            "monthly_spend",
            "project_value",
            "currency",
            "propensity",
            "exec_sponsor",
            "lead",
            "start_date",
            "lost_date",
            "archived_at",
            "created_at",
            "updated_at",
        ]

    def get_lead(self, obj) -> int | None:
        return obj.leads[0].user_id if obj.leads else None


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "id",
            "client",
            "name",
            "title",
            "email",
            "phone",
            "seniority",
            "decision_maker",
            "stance",
            "rag",
            "archived_at",
            "created_at",
        ]


class CallSerializer(serializers.ModelSerializer):
    class Meta:
        model = Call
        fields = [
            "id",
            "client",
            "author",
            "held_at",
            "held",
            "kind",
            "duration_minutes",
            "staff_attendees",
            "contact_attendees",
            "rapport",
            "delivery",
            "strategy",
            "next_strategy_review",
            "commercial",
            "report_required",
            "report_sent_at",
            "created_at",
        ]
        read_only_fields = fields


class FlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Flag
        fields = [
            "id",
            "client",
            "call",
            "title",
            "description",
            "source",
            "severity",
            "status",
            "owner",
            "raised_by",
            "raised_at",
            "resolution",
            "resolved_at",
            "resolved_by",
        ]
        read_only_fields = fields


class ActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Action
        fields = [
            "id",
            "client",
            "call",
            "flag",
            "meeting",
            "description",
            "owner",
            "due_date",
            "status",
            "created_by",
            "created_at",
            "done_at",
            "done_by",
        ]
        read_only_fields = fields


# --- shared --------------------------------------------------------------------------------------------


def client_for_write(request, action: str) -> Client:
    """The body's `client`, if the person may do `action` to it: 400 unless an id, 404 an outsider, 403."""
    raw = request.data.get("client")
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({"client": ["Give the client's id (a whole number)."]}) from None
    return perms.get_client_for(request.user, pk, action)  # DRF answers its Http404 and PermissionDenied


def optional_child(request, client, name: str, manager):
    """The body's `call` or `flag` id, which must be the client's own: 400 otherwise."""
    raw = request.data.get(name)
    if raw in (None, ""):
        return None
    try:
        return manager.get(client=client, pk=int(raw))
    except (TypeError, ValueError, manager.model.DoesNotExist):
        raise ValidationError({name: [f"No such {name} on this client."]}) from None


class ScopedToClients:
    """A queryset of `model` limited to the clients the person may see."""

    model = None
    lookup_value_regex = r"[0-9]{1,18}"  # /calls/abc/ is a 404 from the URL, not a query error

    def scoped(self):
        return self.model.objects.filter(client__in=Client.objects.for_user(self.request.user).values("pk"))


# --- viewsets ---------------------------------------------------------------------------------------------


class ClientViewSet(viewsets.ReadOnlyModelViewSet):
    """Clients you may see. Filters as the client list's: `q`, `tier`, `status`, `engagement_type`,
    `lead`, `band`, `archived` (`only`, `all`; current clients without it), `ordering`."""

    serializer_class = ClientSerializer
    filterset_class = ClientFilter
    lookup_value_regex = ScopedToClients.lookup_value_regex

    def get_queryset(self):
        return (
            Client.objects.for_user(self.request.user)
            .with_amount()
            .select_related("tier", "industry")
            .prefetch_related(leads_prefetch())
            .order_by("name", "pk")
        )


class ContactViewSet(ScopedToClients, viewsets.ReadOnlyModelViewSet):
    model = Contact
    serializer_class = ContactSerializer
    filterset_class = ContactFilter

    def get_queryset(self):
        return self.scoped().order_by("client_id", "name", "pk")


CallWrite = form_serializer(
    "CallWrite", CallForm, extra={"client": serializers.IntegerField(help_text="The client's id.")}
)


class CallViewSet(ScopedToClients, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Calls on clients you may see, newest first; POST logs one (the account team, the head of CS)."""

    model = Call
    serializer_class = CallSerializer
    filterset_class = CallFilter

    def get_queryset(self):
        return (
            self.scoped().prefetch_related("staff_attendees", "contact_attendees").order_by("-held_at", "-pk")
        )

    @extend_schema(request=CallWrite, responses={201: CallSerializer})
    def create(self, request, *args, **kwargs):
        client = client_for_write(request, perms.LOG_CALL)
        form = CallForm(client=client)
        data = form_or_400(CallForm(form_data(request, form, required=("held_at",)), client=client))
        staff, contacts = data.pop("staff_attendees"), data.pop("contact_attendees")
        call = svc.call_log(
            client=client, by=request.user, staff_attendees=staff, contact_attendees=contacts, **data
        )
        call = self.get_queryset().get(pk=call.pk)
        return Response(CallSerializer(call).data, status=status.HTTP_201_CREATED)


FlagWrite = form_serializer(
    "FlagWrite",
    FlagForm,
    extra={
        "client": serializers.IntegerField(help_text="The client's id."),
        "call": serializers.IntegerField(required=False, help_text="The call it came from (the client's)."),
    },
)


class FlagViewSet(ScopedToClients, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Flags on clients you may see, newest first; POST raises one (the account team, the head of CS,
    the client's exec sponsor)."""

    model = Flag
    serializer_class = FlagSerializer
    filterset_class = FlagFilter

    def get_queryset(self):
        return self.scoped().order_by("-raised_at", "-pk")

    @extend_schema(request=FlagWrite, responses={201: FlagSerializer})
    def create(self, request, *args, **kwargs):
        client = client_for_write(request, perms.RAISE_FLAG)
        call = optional_child(request, client, "call", Call.objects)
        lead = client.memberships.filter(is_lead=True).values_list("user", flat=True).first()
        form = FlagForm(initial={"owner": lead or request.user.pk})
        data = form_or_400(FlagForm(form_data(request, form)))
        flag = svc.flag_raise(client=client, by=request.user, call=call, **data)
        return Response(FlagSerializer(flag).data, status=status.HTTP_201_CREATED)


ActionWrite = form_serializer(
    "ActionWrite",
    ActionForm,
    extra={
        "client": serializers.IntegerField(help_text="The client's id."),
        "call": serializers.IntegerField(required=False),
        "flag": serializers.IntegerField(required=False),
    },
)


class ActionViewSet(ScopedToClients, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Actions on clients you may see, by due date; POST adds one; POST …/done/ ticks one off."""

    model = Action
    serializer_class = ActionSerializer
    filterset_class = ActionFilter

    def get_queryset(self):
        return self.scoped().order_by("due_date", "pk")

    @extend_schema(request=ActionWrite, responses={201: ActionSerializer})
    def create(self, request, *args, **kwargs):
        client = client_for_write(request, perms.LOG_CALL)
        call = optional_child(request, client, "call", Call.objects)
        flag = optional_child(request, client, "flag", Flag.objects)
        form = ActionForm(initial={"owner": request.user.pk})
        data = form_or_400(ActionForm(form_data(request, form)))
        created = svc.action_add(client=client, by=request.user, call=call, flag=flag, **data)
        return Response(ActionSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=inline_serializer("ActionDone", {"done": serializers.BooleanField(default=True)}),
        responses={200: ActionSerializer},
    )
    @api_action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """Tick the action off (`{"done": false}` re-opens it): its owner, or the account team."""
        item = get_object_or_404(self.get_queryset().select_related("client"), pk=pk)
        if item.owner_id != request.user.id and not perms.may(request.user, perms.LOG_CALL, item.client):
            raise PermissionDenied("Only the action's owner or the account team can tick it off.")
        done = request.data.get("done", True)
        if not isinstance(done, bool):
            if str(done).lower() not in ("true", "false", "1", "0"):
                raise ValidationError({"done": ["Send true or false."]})
            done = str(done).lower() in ("true", "1")
        svc.action_set_done(action=item, by=request.user, done=done)
        return Response(ActionSerializer(item).data)
