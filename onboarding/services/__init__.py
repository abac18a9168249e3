"""Onboarding's writes, by sub-domain: pitches (lead → won), checklist (the onboarding and its
reminders), emails (the two templates), intake (the forms and their signed links), projects
(project initiation forms). Import the submodule; the package re-exports nothing."""
