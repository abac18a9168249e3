from .checklist import (
    PLACEHOLDERS,
    EmailTemplate,
    Onboarding,
    OnboardingEmail,
    OnboardingStep,
    StepTemplate,
    placeholders_in,
)
from .intake import FinanceDetails, FormKind, FormLink, OnboardingChannel, OnboardingForm, ProjectInitiation
from .pitches import Pitch, stage_of
from .pricing import CsPrice, OnboardingPolicy, SpendBand, band_for

__all__ = [
    "PLACEHOLDERS",
    "CsPrice",
    "EmailTemplate",
    "FinanceDetails",
    "FormKind",
    "FormLink",
    "Onboarding",
    "OnboardingChannel",
    "OnboardingEmail",
    "OnboardingForm",
    "OnboardingPolicy",
    "OnboardingStep",
    "Pitch",
    "ProjectInitiation",
    "SpendBand",
    "StepTemplate",
    "band_for",
    "placeholders_in",
    "stage_of",
]
