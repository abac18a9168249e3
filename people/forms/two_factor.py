"""The two-factor forms: the code at login, the first code at set-up, and turning it off."""

from allauth.mfa.totp.internal.auth import validate_totp_code
from django import forms

from ..two_factor import code_check

CODE_WIDGET = forms.TextInput(
    attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "spellcheck": "false"}
)


class LoginCodeForm(forms.Form):
    """The second step of a password login: a code from the app, or a recovery code (spent once)."""

    code = forms.CharField(
        label="Authentication code",
        max_length=20,
        widget=CODE_WIDGET,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        error_messages={"required": "Type the code from your authenticator app."},
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        self.authenticator = None
        super().__init__(*args, **kwargs)

    def clean_code(self):
        self.authenticator = code_check(user=self.user, code=self.cleaned_data["code"])
        if self.authenticator is None:
            raise forms.ValidationError(
                "That code is not right (or was already used). Type the code your app shows now, "
                "or an unused recovery code."
            )
        return self.cleaned_data["code"]


class TotpSetupForm(forms.Form):
    """The first code from the app that scanned the secret: proof it was set up right."""

    code = forms.CharField(
        label="Code from your app",
        max_length=10,
        widget=CODE_WIDGET,
        help_text="After scanning, your app shows a 6-digit code that changes every 30 seconds.",
        error_messages={"required": "Type the 6-digit code your app shows."},
    )

    def __init__(self, *args, secret, **kwargs):
        self.secret = secret
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not validate_totp_code(self.secret, code):
            raise forms.ValidationError(
                "That code does not match. Check the app scanned this page's code (or the secret "
                "below) and type the code it shows now."
            )
        return code


class TotpDisableForm(forms.Form):
    """Turning two-factor off asks for a current code or the password, so an unattended session
    cannot do it."""

    proof = forms.CharField(
        label="A current code, or your password",
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Type a code from your app, or your password."},
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_proof(self):
        proof = self.cleaned_data["proof"]
        if not (self.user.check_password(proof) or code_check(user=self.user, code=proof)):
            raise forms.ValidationError("That is neither a current code nor your password.")
        return proof
