"""Two-factor for password logins (issue 19, item 4): the login's code step and the settings page.

Django's LoginView keeps the password step, axes in front of it. A right password for someone with
TOTP does not log in: the user waits in the session and the code page finishes the login. Wrong
codes are failed logins to axes (user_login_failed), so the same lock and lockout page apply.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from ..forms.two_factor import LoginCodeForm, TotpDisableForm, TotpSetupForm
from ..two_factor import (
    LOGIN_VIA_KEY,
    PENDING_SECONDS,
    RECOVERY_TYPE,
    SETUP_SECRET_KEY,
    has_totp,
    login_pending_clear,
    login_pending_next,
    login_pending_start,
    login_pending_user,
    must_set_up,
    recovery_codes_left,
    recovery_codes_regenerate,
    setup_qr_svg,
    setup_secret,
    totp_activate,
    totp_deactivate,
    totp_of,
)


def _credentials(user) -> dict:
    return {"username": user.get_username()}  # what axes locks on, with the client's address


def _locked(request, user) -> bool:
    return settings.AXES_ENABLED and AxesProxyHandler.is_locked(request, _credentials(user))


def _failed(request, user) -> None:
    """A wrong code (or wrong proof) counts as a failed login for this username and address."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)


class LoginView(auth_views.LoginView):
    """Django's login page; for a person with TOTP a right password leads to the code page."""

    def form_valid(self, form):
        user = form.get_user()
        if has_totp(user):
            self.request.session.cycle_key()
            login_pending_start(self.request, user=user, next_url=self.get_success_url())
            return redirect("login_code")
        response = super().form_valid(form)
        self.request.session.pop(LOGIN_VIA_KEY, None)
        return response


@never_cache
@sensitive_post_parameters("code")
def login_code(request):
    user = login_pending_user(request)
    if user is None:
        login_pending_clear(request)
        minutes = PENDING_SECONDS // 60
        messages.info(request, f"Log in again: the code is asked within {minutes} minutes of the password.")
        return redirect("login")
    if _locked(request, user):
        login_pending_clear(request)
        return get_lockout_response(request, None, _credentials(user))
    form = LoginCodeForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            next_url = login_pending_next(request)
            login_pending_clear(request)
            auth_login(request, user, backend=user.backend)
            request.session.pop(LOGIN_VIA_KEY, None)
            if form.authenticator.type == RECOVERY_TYPE:
                messages.warning(
                    request,
                    f"You logged in with a recovery code; it will not work again. "
                    f"{recovery_codes_left(user)} left: make new ones on the two-factor page if you need to.",
                )
            return redirect(next_url)
        _failed(request, user)
        if getattr(request, "axes_locked_out", False):
            login_pending_clear(request)  # AxesMiddleware answers with the lockout page
    return render(request, "registration/login_code.html", {"form": form}, status=200)


def _settings_page(request, *, setup_form=None, disable_form=None, status=200):
    user = request.user
    totp = totp_of(user)
    context = {"totp": totp}
    if totp is None:
        secret = setup_secret(request.session)
        context |= {
            "form": setup_form or TotpSetupForm(secret=secret),
            "secret": secret,
            "qr_svg": setup_qr_svg(user, secret),
            "required": must_set_up(request),
        }
    else:
        context |= {
            "disable_form": disable_form or TotpDisableForm(user=user),
            "codes_left": recovery_codes_left(user),
        }
    return render(request, "people/two_factor.html", context, status=status)


def _codes_page(request, codes):
    return render(request, "people/two_factor_codes.html", {"codes": codes})


@never_cache  # the page shows a secret, and after set-up the recovery codes: never kept by a cache
@login_required
@sensitive_post_parameters("code")
def two_factor_settings(request):
    """Set up TOTP (the QR code and the secret, confirmed with a first code), or see it is on."""
    if request.method == "POST" and not has_totp(request.user):
        secret = setup_secret(request.session)
        form = TotpSetupForm(request.POST, secret=secret)
        if not form.is_valid():
            return _settings_page(request, setup_form=form, status=400)
        try:
            codes = totp_activate(user=request.user, secret=secret)
        except ValueError:  # set up meanwhile in another tab
            return redirect("people:two_factor")
        request.session.pop(SETUP_SECRET_KEY, None)
        messages.success(request, "Two-factor is on: a password login now asks for a code from your app.")
        return _codes_page(request, codes)
    return _settings_page(request)


@never_cache
@login_required
@require_POST
def two_factor_recovery_codes(request):
    """A new set of recovery codes, shown once; the old set stops working."""
    if not has_totp(request.user):
        return redirect("people:two_factor")
    codes = recovery_codes_regenerate(user=request.user)
    messages.success(request, "New recovery codes made: the old ones no longer work.")
    return _codes_page(request, codes)


@login_required
@require_POST
@sensitive_post_parameters("proof")
def two_factor_disable(request):
    """Turn two-factor off, proven by a current code or the password (throttled as logins are)."""
    user = request.user
    if not has_totp(user):
        return redirect("people:two_factor")
    if _locked(request, user):
        return get_lockout_response(request, None, _credentials(user))
    form = TotpDisableForm(request.POST, user=user)
    if not form.is_valid():
        _failed(request, user)
        return _settings_page(request, disable_form=form, status=400)
    totp_deactivate(user=user)
    messages.success(request, "Two-factor is off: a password login no longer asks for a code.")
    return redirect("people:two_factor")
