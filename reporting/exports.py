"""NPS and jobs as exports (issue 19): the exec sponsors' check-ins, the client contacts' survey
answers, and the AM status report's jobs."""

from clients.models import Client
from csops.exports import Column, Export, choice, yes_no
from people.roles import is_cs_team, reads_clients

from . import status
from .filters import NpsCheckInFilter, SurveyResponseFilter
from .models import Job, NpsCheckIn, SurveyResponse


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

JOBS = Export(
    slug="jobs",
    title="Jobs",
    description="The status report's jobs: current, open or to bill (filter as the report: person).",
    queryset=lambda user: Job.objects.all(),  # the status reports are the CS team's, of any of them
    allowed=is_cs_team,
    narrow=status.am_status_report_narrow,
    columns=(
        Column("Client", "client__name"),
        Column("Number", "number"),
        Column("Job", "name"),
        Column("Type", "kind", choice(Job.Kind.choices)),
        Column("Status", "status", choice(Job.Status.choices)),
        Column("Next steps", "next_steps"),
        Column("Starts", "start_date"),
        Column("Owner", "owner__email"),
        Column("Billable", "billable", yes_no),
        Column("To bill", "to_bill", yes_no),
        Column("Link", "link"),
        Column("ID", "pk"),
    ),
)

EXPORTS = (NPS_CHECKINS, SURVEY_RESPONSES, JOBS)
