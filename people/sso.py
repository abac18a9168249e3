"""Single sign-on (issue 19, item 4): django-allauth's OpenID Connect, under our own rules.

- A person signing in with Google Workspace or Microsoft Entra is matched to their existing account
  by a verified email (the provider's `email_verified`, or every email of a provider the settings
  mark `email_trusted`, e.g. one Entra tenant whose addresses its admins assign).
- SSO never creates an account, unless the email's domain is in CSOPS_SSO_SIGNUP_DOMAINS and no
  account (active or deactivated) already has that email: a leaver stays out.
- Staff emails are set by admins (there is no self sign-up), so the email an SSO login matched is
  recorded as verified for allauth — otherwise allauth would wipe the person's password on their
  first SSO login, and password login (with axes' throttling) must keep working.
- Our TOTP two-factor (people/two_factor.py) is for password logins only: allauth's MFA stage is
  dropped from the SSO login, and the session is marked as opened by SSO, so the admin two-factor
  requirement does not hold an SSO admin either. The identity provider does its own second factor.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model

from .two_factor import LOGIN_VIA_KEY

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
MFA_STAGE = "allauth.mfa.stages.AuthenticateStage"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False  # allauth's own sign-up pages are not ours (and not mounted)

    def login(self, request, user):
        # axes' backend comes first in AUTHENTICATION_BACKENDS but cannot load a user from a session
        if not hasattr(user, "backend"):
            user.backend = MODEL_BACKEND
        super().login(request, user)
        request.session[LOGIN_VIA_KEY] = "sso"  # every allauth login here is an SSO one

    def get_login_stages(self):
        # only SSO logins run through allauth's stages; the provider asked for its own second factor
        return [stage for stage in super().get_login_stages() if stage != MFA_STAGE]


def _trusted(sociallogin) -> bool:
    return bool(sociallogin.account.get_provider().app.settings.get("email_trusted"))


def sso_emails(sociallogin) -> list[str]:
    """The emails the provider vouches for."""
    trusted = _trusted(sociallogin)
    return [e.email.lower() for e in sociallogin.email_addresses if e.verified or trusted]


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def authenticate_by_email(self, sociallogin):
        users = get_user_model().objects.filter(is_active=True)
        for email in sso_emails(sociallogin):
            matches = list(users.filter(email__iexact=email)[:2])
            if len(matches) != 1:  # none, or two people share it: no guess
                continue
            user = matches[0]
            address, _ = EmailAddress.objects.get_or_create(
                user=user,
                email__iexact=email,
                defaults={"email": user.email, "verified": True, "primary": True},
            )
            if not address.verified:
                address.verified = True
                address.save(update_fields=["verified"])
            return user, address.email
        return None

    def is_open_for_signup(self, request, sociallogin):
        allowed = {d.lower() for d in settings.CSOPS_SSO_SIGNUP_DOMAINS}
        emails = sso_emails(sociallogin)
        if not allowed or not emails:
            return False
        email = emails[0]
        if get_user_model().objects.filter(email__iexact=email).exists():
            return False  # someone has this email (deactivated, or ambiguous): never a second account
        return email.rpartition("@")[2] in allowed
