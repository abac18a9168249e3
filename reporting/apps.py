from django.apps import AppConfig

from .versions import connect_signals


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self):
        # a mapped model's save or delete moves the cache versions it touches (reporting/versions.py)
        connect_signals()
