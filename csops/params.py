"""Query parameters read safely: a bad or absurd value is "not given", never a 500."""

from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme

# Larger than any row id or page a person can reach, and well inside PostgreSQL's bigint.
INT_MAX = 2**53


def int_param(value, default=None, *, minimum: int = 1, maximum: int = INT_MAX):
    """`value` as an int in [minimum, maximum] when it is ASCII digits, else `default`.

    str.isdigit() accepts "²" and int() then fails; a 23-digit id or page overflows bigint in SQL.
    """
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()):
        return default
    number = int(value)
    return number if minimum <= number <= maximum else default


def id_param_or_404(value):
    """An id from the query string or a form's hidden field: None when absent, 404 when malformed."""
    if value in (None, ""):
        return None
    number = int_param(value)
    if number is None:
        raise Http404("No such record.")
    return number


def safe_next(request, default: str) -> str:
    """The request's `next` when it is a path on this site, else `default`.

    Read before the view writes anything: a redirect that fails after the save invites a retry
    that saves twice. "nowhere" is not a path (redirect() would try to reverse it as a view name).
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
