"""The invitation link: Django's password-reset token machinery, with its own salt and a 3-day limit.

The token hashes the person's password and last login, so it stops working once they have set a
password (a link used twice fails the second time), and after three days whatever the settings say
about password resets.
"""

import datetime

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

INVITATION_VALID = datetime.timedelta(days=3)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "people.invitations.InvitationTokenGenerator"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return self._num_seconds(self._now()) - ts <= INVITATION_VALID.total_seconds()


invitation_tokens = InvitationTokenGenerator()


def invitation_path_args(user) -> tuple[str, str]:
    return urlsafe_base64_encode(force_bytes(user.pk)), invitation_tokens.make_token(user)
