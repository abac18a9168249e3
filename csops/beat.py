"""The one list of periodic work (§3), imported by csops/settings.py as CELERY_BEAT_SCHEDULE.

Beat holds a small fixed set of periodic tasks; per-client cadences live in the database. This is the
one list of periodic work: `run_beat_tasks --date` runs, in this order, every task here that takes
the day (`today`, or `now` for the hourly one); the rest is housekeeping it leaves to beat.

Kept in its own module so the settings stay short; each entry names a thin task in <app>/tasks.py.
"""

from celery.schedules import crontab

CELERY_BEAT_SCHEDULE = {
    # the outbox: emails and follow-up tasks whose after-commit hand-off missed the broker
    "deliver-outbox": {"task": "people.tasks.outbox_deliver", "schedule": 60.0},
    "clear-expired-sessions": {
        "task": "people.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=30),
    },
    # PRODUCT.md §3. Daily tasks check "is anything due today?", so a day beat was down is caught up.
    "generate-occurrences": {
        "task": "reporting.tasks.occurrences_generate",
        "schedule": crontab(hour=5, minute=0),
    },
    "mark-missed": {"task": "reporting.tasks.occurrences_mark_missed", "schedule": crontab(hour=6, minute=0)},
    "nps-checkins": {"task": "reporting.tasks.nps_checkins_run", "schedule": crontab(hour=6, minute=30)},
    "contract-renewals": {
        "task": "commercial.tasks.contract_renewal_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "pdp-reviews": {"task": "people.tasks.pdp_reviews_remind", "schedule": crontab(hour=7, minute=15)},
    # keyed by week: a rerun, or a later day of the week, tells each person once
    "timesheet-reminders": {
        "task": "people.tasks.timesheets_remind",
        "schedule": crontab(hour=9, minute=0, day_of_week="mon"),
    },
    "call-reminders": {
        "task": "reporting.tasks.calls_remind_tomorrow",
        "schedule": crontab(hour=8, minute=0),
    },
    "call-reports-overdue": {
        "task": "clients.tasks.call_reports_overdue_remind",
        "schedule": crontab(minute=5),
    },
    # keyed by week and month: a later run tells the head of CS once if Monday's or the 1st's was missed
    "meet-pack": {
        "task": "reporting.tasks.meet_pack_notify",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon-fri"),
    },
    "onboarding-overdue-steps": {
        "task": "onboarding.tasks.onboarding_steps_overdue_remind",
        "schedule": crontab(hour=7, minute=20),
    },
    "satisfaction-report": {
        "task": "reporting.tasks.satisfaction_report_notify",
        "schedule": crontab(hour=7, minute=45),
    },
    # seed 003: a status report not reviewed for a week reminds the lead AM (once per client and week)
    "status-reports-remind": {
        "task": "reporting.tasks.status_reports_remind",
        "schedule": crontab(hour=7, minute=50, day_of_week="mon-fri"),
    },
    # seed 001: support requests nearing (or past) their SLA tell the owner and the lead AM
    "support-breaches-warn": {
        "task": "clients.tasks.support_breaches_warn",
        "schedule": crontab(minute="*/15"),
    },
    # daily: credits the month once (unique per client and month); opens and closes the vote once
    "entertainment-accrue": {
        "task": "commercial.tasks.entertainment_accrue",
        "schedule": crontab(hour=4, minute=30),
    },
    "surprise-delight": {
        "task": "commercial.tasks.delight_rounds_run",
        "schedule": crontab(hour=8, minute=30),
    },
    # account plans (seed 002, 000, 003): this month's calendar review, last month's client review
    # document, this quarter's QBRs; keyed by month and quarter, so a daily run catches up a missed day
    "plan-reviews": {"task": "commercial.tasks.plan_reviews_due", "schedule": crontab(hour=7, minute=5)},
    "client-review-reminders": {
        "task": "commercial.tasks.client_review_reminders",
        "schedule": crontab(hour=7, minute=10),
    },
    "qbrs": {"task": "commercial.tasks.qbrs_schedule", "schedule": crontab(hour=7, minute=20)},
}
