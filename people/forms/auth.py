from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from ..outbox import email_enqueue


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset mail goes through the outbox: a slow SMTP server or a broker outage never
    blocks the page or loses the email."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_enqueue(subject=subject, body=body, to=[to_email])
