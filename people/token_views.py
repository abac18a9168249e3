"""Settings → API tokens: a person makes, sees (once) and revokes their own (issue 19)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .models import ApiToken
from .roles import reads_clients
from .tokens import MAX_ACTIVE, api_token_create, api_token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Name",
        help_text="What will use it, e.g. “BI export” or “Zapier”.",
        error_messages={"required": "Give the token a name: what will use it?"},
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the token a name: what will use it?")
        return name


def _may_use_api(user):
    if not reads_clients(user):
        raise PermissionDenied("The API is for people who read clients.")


@never_cache  # the page that shows a new key must not be kept by a browser or proxy
@login_required
def api_tokens(request):
    _may_use_api(request.user)
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            token, new_key = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                for error in errors:
                    form.add_error(field, error)
        else:
            form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user).values(
        "pk", "name", "prefix", "created_at", "last_used_at", "revoked_at"
    )
    return render(
        request,
        "people/api_tokens.html",
        {"form": form, "tokens": tokens, "new_key": new_key, "max_active": MAX_ACTIVE},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def api_token_revoke_view(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # someone else's token: 404
    api_token_revoke(token=token, by=request.user)
    messages.success(request, f"“{token.name}” revoked: it no longer works.")
    return redirect("people:api_tokens")
