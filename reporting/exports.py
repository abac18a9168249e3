"""NPS as exports (issue 19): the exec sponsors' check-ins and the client contacts' survey answers."""

from clients.models import Client
from csops.exports import Column, Export, choice
from people.roles import reads_clients

from .filters import NpsCheckInFilter, SurveyResponseFilter
from .models import NpsCheckIn, SurveyResponse


def _seen(user):
    return Client.objects.for_user(user).values("pk")


NPS_CHECKINS = Export(
    slug="nps-checkins",
    title="NPS check-ins",
    description="The exec sponsors' quarterly check-ins (filters: client, quarter, status).",
    queryset=lambda user: NpsCheckIn.objects.filter(client__in=_seen(user)),
    allowed=reads_clients,
    filterset=NpsCheckInFilter,
    ordering=("-quarter", "client__name", "pk"),
    columns=(
        Column("Client", "client__name"),
        Column("Quarter", "quarter"),
        Column("Status", "status", choice(NpsCheckIn.Status.choices)),
        Column("Score", "score"),
        Column("What they said", "comment"),
        Column("Actions agreed", "actions"),
        Column("Exec sponsor", "sponsor__email"),
        Column("Completed at", "completed_at"),
        Column("ID", "pk"),
    ),
)

SURVEY_RESPONSES = Export(
    slug="survey-responses",
    title="Survey answers",
    description="Client contacts' answers to the NPS survey (filters: client, quarter).",
    queryset=lambda user: SurveyResponse.objects.filter(client__in=_seen(user)),
    allowed=reads_clients,
    filterset=SurveyResponseFilter,
    ordering=("-created_at", "-pk"),
    columns=(
        Column("Client", "client__name"),
        Column("Contact", "invite__contact__name"),
        Column("Contact email", "invite__contact__email"),
        Column("Quarter", "quarter"),
        Column("Score", "score"),
        Column("Comment", "comment"),
        Column("Answered at", "created_at"),
        Column("ID", "pk"),
    ),
)

EXPORTS = (NPS_CHECKINS, SURVEY_RESPONSES)
