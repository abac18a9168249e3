"""Optional TOTP two-factor for password logins (issue 19, item 4), on allauth.mfa's models.

Password login stays Django's LoginView behind axes (people/views/two_factor.py). allauth.mfa gives
the Authenticator rows and the code checks (TOTP with replay protection, single-use recovery codes);
this module is the workflow around them:

- a person's TOTP is set up (with a fresh set of recovery codes), turned off, its codes renewed;
- a correct password for someone with TOTP only *starts* a login: the pending user waits in the
  session (`login_pending_*`) until the code page checks a code;
- wrong codes count as failed logins for axes, so they lock the login like wrong passwords;
- SSO logins never meet any of this (people/sso.py drops allauth's MFA stage) and are marked so in
  the session: the identity provider does its own second factor;
- with CSOPS_REQUIRE_ADMIN_2FA an admin's password session without TOTP is held on the set-up page
  (people/middleware.py).
"""

import time

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from .roles import is_admin

TOTP_TYPE = Authenticator.Type.TOTP
RECOVERY_TYPE = Authenticator.Type.RECOVERY_CODES

PENDING_KEY = "csops.2fa.pending"  # the user who gave a right password and owes a code
SETUP_SECRET_KEY = "csops.2fa.setup_secret"  # the secret shown on the set-up page, until confirmed
LOGIN_VIA_KEY = "csops.login_via"  # "sso" for a session an identity provider opened
PENDING_SECONDS = 300  # time to type the code after the password, then the password again


def totp_of(user) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, type=TOTP_TYPE).first()


def recovery_codes_of(user) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, type=RECOVERY_TYPE).first()


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=TOTP_TYPE).exists()


# --- setting up and turning off ------------------------------------------------------------------


def setup_secret(session) -> str:
    """The secret the set-up page shows; the same one on reload until it is confirmed, so a code
    from an app that already scanned it still works."""
    if not session.get(SETUP_SECRET_KEY):
        session[SETUP_SECRET_KEY] = generate_totp_secret()
    return session[SETUP_SECRET_KEY]


def setup_qr_svg(user, secret: str) -> str:
    """The otpauth:// link as an inline SVG QR code, drawn here (allauth's adapter, qrcode)."""
    adapter = get_adapter()
    svg = adapter.build_totp_svg(adapter.build_totp_url(user, secret))
    return svg[svg.index("<svg") :]  # no XML declaration inside HTML


@transaction.atomic
def totp_activate(*, user, secret: str) -> list[str]:
    """Turn TOTP on with `secret` (already confirmed by a code) and return a fresh set of recovery
    codes, the only time they are shown."""
    get_user_model()._default_manager.select_for_update().get(pk=user.pk)  # two tabs: one wins
    if has_totp(user):
        raise ValueError("two-factor is already on")
    TOTP.activate(user, secret)
    Authenticator.objects.filter(user=user, type=RECOVERY_TYPE).delete()
    return RecoveryCodes.activate(user).generate_codes()


@transaction.atomic
def recovery_codes_regenerate(*, user) -> list[str]:
    """A new set of recovery codes; the old ones stop working."""
    get_user_model()._default_manager.select_for_update().get(pk=user.pk)
    Authenticator.objects.filter(user=user, type=RECOVERY_TYPE).delete()
    return RecoveryCodes.activate(user).generate_codes()


def totp_deactivate(*, user) -> None:
    """Two-factor off: the authenticator and its recovery codes go."""
    Authenticator.objects.filter(user=user, type__in=[TOTP_TYPE, RECOVERY_TYPE]).delete()


def recovery_codes_left(user) -> int:
    codes = recovery_codes_of(user)
    return len(codes.wrap().get_unused_codes()) if codes else 0


def code_check(*, user, code: str) -> Authenticator | None:
    """The authenticator `code` is good for (the TOTP's current code, once; or an unused recovery
    code, which is then spent), else None."""
    code = "".join(code.split())
    if not code:
        return None
    for authenticator in Authenticator.objects.filter(user=user, type__in=[TOTP_TYPE, RECOVERY_TYPE]):
        if authenticator.wrap().validate_code(code):
            authenticator.record_usage()
            return authenticator
    return None


# --- the pending login -----------------------------------------------------------------------------


def login_pending_start(request, *, user, next_url: str) -> None:
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "next": next_url,
        "since": time.time(),
        # a password changed meanwhile ends the pending login, as it ends sessions
        "hash": user.get_session_auth_hash(),
    }


def login_pending_user(request):
    """The user who gave a right password in the last PENDING_SECONDS and owes a code, else None."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["since"] > PENDING_SECONDS:
        return None
    user = get_user_model()._default_manager.filter(pk=pending["user"], is_active=True).first()
    if user is None or user.get_session_auth_hash() != pending["hash"]:
        return None
    user.backend = pending["backend"]
    return user


def login_pending_next(request) -> str:
    return request.session.get(PENDING_KEY, {}).get("next") or settings.LOGIN_REDIRECT_URL


def login_pending_clear(request) -> None:
    request.session.pop(PENDING_KEY, None)


# --- who must have it --------------------------------------------------------------------------------


def must_set_up(request) -> bool:
    """CSOPS_REQUIRE_ADMIN_2FA: an admin (the admin role, a superuser, or staff with the Django
    admin) whose session came from a password has to set up TOTP before anything else."""
    user = request.user
    if not settings.CSOPS_REQUIRE_ADMIN_2FA or not user.is_authenticated:
        return False
    if request.session.get(LOGIN_VIA_KEY) == "sso":
        return False  # the identity provider does its own second factor
    if not (user.is_staff or is_admin(user)):
        return False
    return not has_totp(user)
