"""`{% navbar %}`: the main navigation, rendered once per process for each set of roles and section.

The bar is the same HTML for everyone who holds the same roles on the same section of the site: its
links are the URLconf's (fixed for the life of a process) and what it shows is decided by `nav`
(csops/context_processors.py). Rendering it was about half of what a page served from the cache
costs (29 `{% url %}` lookups and a hundred lines of conditions, 4–6 ms a request); now a request
renders it only the first time its (roles, section) is seen, and puts its own four things in: the
person's name, the unread count, the CSRF token of the log-out form and the search words.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

# Marks the cached HTML holds where each request's own values go (letters only: escaping keeps them).
NAME, UNREAD, CSRF, SEARCH = (f"csopsnavmark{word}" for word in ("name", "unread", "csrf", "search"))
# The sections a link is highlighted for, as the request's resolver match says.
SECTIONS = (
    "portfolio", "checkins", "my_week", "clients", "meetings", "work", "team", "notifications", "search",
)  # fmt: skip


def active_sections(match) -> tuple[bool, ...]:
    """Which links are highlighted for the page asked for, in SECTIONS' order."""
    if match is None:
        return (False,) * len(SECTIONS)
    url, app, view = match.url_name, match.app_name, match.view_name
    return (
        url == "portfolio",
        url == "sponsor_home",
        url == "my_week",
        app == "clients",
        url in ("meetings", "meeting_detail"),
        app == "onboarding" or url in ("am_status_report", "support_register", "pipeline"),
        view == "people:staff_list",
        view == "people:notifications",
        url == "search",
    )


@lru_cache(maxsize=512)
def _render(nav_items: tuple, active: tuple) -> str:
    nav = dict(nav_items)
    return get_template("csops/partials/navbar.html").render(
        {
            "nav": nav,
            "active": dict(zip(SECTIONS, active, strict=True)),
            "user_name": NAME,
            "unread": UNREAD,
            "csrf_token": CSRF,
            "search_q": SEARCH,
        }
    )


@register.simple_tag(takes_context=True)
def navbar(context) -> str:
    """The navigation bar for this request: the process's copy for its roles and section, filled in."""
    nav, request = context.get("nav") or {}, context.get("request")
    user = context.get("user")
    if not nav or request is None or user is None:
        return mark_safe(_render((), active_sections(None)))  # noqa: S308 - our own template
    match = getattr(request, "resolver_match", None)
    active = active_sections(match)
    items = tuple(
        sorted((k, (tuple(v) if k == "roles" else bool(v))) for k, v in nav.items())
    )  # the unread count reaches the key only as "any or none": its number is a mark
    # development: a template edit shows on the next request, as Django's own templates do
    html = _render.__wrapped__(items, active) if settings.DEBUG else _render(items, active)
    search = request.GET.get("q", "") if active[-1] else ""
    return mark_safe(  # noqa: S308 - our own template, each value put in escaped
        html.replace(NAME, escape(user.get_full_name() or user.get_username()))
        .replace(UNREAD, str(int(nav.get("unread") or 0)))
        .replace(CSRF, get_token(request))
        .replace(SEARCH, escape(search))
    )
