"""Logs a newcomer can read: a refused or missing page is one line, not a traceback (or two)."""

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """A 4xx is the visitor's mistake or a permission at work, not a bug: one line saying why.

    Django logs a PermissionDenied with its traceback (django.request), and runserver logs the same
    request again (django.server); the first line is kept, with the reason, and the second dropped.
    5xx keep their tracebacks.
    """

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status is None or not 400 <= status < 500:
            return True
        if record.name == "django.server":
            return False  # django.request has already said it, with the reason
        if record.exc_info:
            reason = str(record.exc_info[1] or "")
            message = record.getMessage()
            record.msg, record.args = (f"{message} ({reason})" if reason else message), ()
            record.exc_info = record.exc_text = None
        return True
