"""The development worker's email backend: each email to a file under var/mail/, one log line each.

`make run`'s worker sends every notification; on the console backend each one printed its whole
body in the worker's log, burying everything else. The web process keeps the console backend, so a
password-reset link still shows in the terminal.
"""

import logging

from django.core.mail.backends.filebased import EmailBackend

log = logging.getLogger(__name__)


class LoggedFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        for message in email_messages or ():
            recipients = ", ".join(message.recipients())
            log.info("email %r to %s (the whole email: %s)", message.subject, recipients, self._fname)
        return sent
