"""The pitch pipeline as an export (issue 19): the pipeline page's list, for who runs pitches (new
business and the head of CS), narrowed by the page's `stage` (the open pitches without one) through
its selector. Mounted by csops/export_urls.py."""

from clients.models import EngagementType
from csops.exports import Column, Export, choice, yes_no
from people.roles import can_run_pitches

from . import selectors as reads
from .models import CsPrice, Pitch

PITCHES = Export(
    slug="pitches",
    title="Pitch pipeline",
    description="Pitches with their stage, value and owners (filter as its page: stage).",
    queryset=lambda user: reads.with_stage_label(Pitch.objects.all()),
    allowed=can_run_pitches,
    narrow=reads.pipeline_narrow,
    columns=(
        Column("Prospect", "prospect_name"),
        Column("Domain", "domain"),
        Column("Stage", "stage_label"),
        Column("Industry", "industry__name"),
        Column("Size", "client_size", choice(CsPrice.Size.choices)),
        Column("Engagement", "engagement_type", choice(EngagementType.choices)),
        Column("Monthly spend", "monthly_spend"),
        Column("Project value", "project_value"),
        Column("New business owner", "new_business_owner__email"),
        Column("Decision", "decision", choice(Pitch.Decision.choices)),
        Column("Why", "decision_reason"),
        Column("Proposed CS", "proposed_cs__email"),
        Column("CS attends", "cs_attends", yes_no),
        Column("Pitch date", "pitch_date"),
        Column("Outcome", "outcome", choice(Pitch.Outcome.choices)),
        Column("Outcome reason", "outcome_reason"),
        Column("Outcome date", "outcome_date"),
        Column("Client ID", "client_id"),
        Column("ID", "pk"),
    ),
)

EXPORTS = (PITCHES,)
