from .checklist import email_send, onboarding_list, step_due, step_update
from .intake import finance_fill, form_link_create, intake_fill, project_create, public_form
from .pitches import pipeline, pitch_close, pitch_create, pitch_detail, pitch_edit, pitch_won
from .pricing import pricing_matrix

__all__ = [
    "email_send",
    "finance_fill",
    "form_link_create",
    "intake_fill",
    "onboarding_list",
    "pipeline",
    "pitch_close",
    "pitch_create",
    "pitch_detail",
    "pitch_edit",
    "pitch_won",
    "pricing_matrix",
    "project_create",
    "public_form",
    "step_due",
    "step_update",
]
