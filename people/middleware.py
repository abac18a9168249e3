"""CSOPS_REQUIRE_ADMIN_2FA: an admin's password session without TOTP reaches only the set-up page.

Checked per view (process_view), so static files (WhiteNoise, before this) are never held, and a
URL that resolves to nothing still answers its 404. Other roles and SSO sessions pass untouched
(people.two_factor.must_set_up); with the setting off this costs nothing.
"""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .two_factor import must_set_up

# the set-up flow, and the ways out
ALLOWED = {"people:two_factor", "logout", "login", "login_code"}


class AdminTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.CSOPS_REQUIRE_ADMIN_2FA:
            return None
        match = request.resolver_match
        if match is None or match.view_name in ALLOWED or not must_set_up(request):
            return None
        messages.info(request, "Set up two-factor before you go on: admins need it here.")
        if getattr(request, "htmx", False):  # a fragment request: move the whole page
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("people:two_factor")
            return response
        return redirect("people:two_factor")
