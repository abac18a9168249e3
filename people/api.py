"""The REST API's front door (issue 19): personal tokens as credentials, and who may call at all.

`Authorization: Bearer csops_…` (people/tokens.py). A wrong, revoked or malformed token is a 401,
never an anonymous request. The browsable docs also accept the logged-in session (with CSRF on writes).
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission

from .roles import reads_clients
from .tokens import api_token_user

KEYWORDS = (b"bearer", b"token")


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Send the header as “Authorization: Bearer <token>”.")
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("That token is not valid.") from None
        user = api_token_user(key)
        if user is None:
            raise AuthenticationFailed("That token is not valid, or has been revoked.")
        return user, None

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ReadsClients(BasePermission):
    """The API is for people who read clients: the CS team, admins and exec sponsors (PRODUCT.md §1).
    Which clients, and what they may do to one, is clients/permissions.py's answer, per object."""

    message = "Your role does not read clients."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and reads_clients(user))


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema (and the docs page's Authorize button) describes our tokens."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal token: Settings → API tokens."}
