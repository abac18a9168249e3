"""Which pages `make bench` drives, as whom, on which data (tools/bench/__init__.py).

Imports the app's models: import this only after django.setup() (tools/bench/__main__.py does).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.models import Action, Client, Tier
from people.models import Role
from reporting.services.meetings import meeting_open


def writer_action(user):
    """The open action of `user`'s (the busiest AM) that the write load ticks off and on again."""
    return Action.objects.open().filter(owner=user).order_by("due_date", "pk").first()


def key_pages(tag: str) -> list[tuple[str, str, object]]:
    """(name, path, user) of each page the benchmark drives, for the scale data set `tag`."""
    User = get_user_model()
    head = User.objects.get(username=f"{tag}-head")
    busiest = (
        User.objects.filter(profile__roles__code=Role.ACCOUNT_MANAGER, username__startswith=f"{tag}-")
        .annotate(n=Count("memberships", filter=Q(memberships__client__archived_at__isnull=True)))
        .order_by("-n", "pk")
        .first()
    )
    longest = (
        Client.objects.filter(domain__endswith=f".{tag}.example")
        .annotate(n=Count("calls"))
        .order_by("-n", "pk")
        .first()
    )
    tier = Tier.objects.get(rank=3)
    meeting = meeting_open(kind="weekly_meet", held_on=timezone.localdate(), by=head)
    return [
        ("bare view", "/bench/bare/", head),
        ("weekly meet", f"/reporting/meetings/{meeting.pk}/", head),
        ("client list", "/clients/", head),
        ("client list, filtered", f"/clients/?tier={tier.pk}&status=active&ordering=-spend", head),
        (f"client detail ({longest.n:,} calls)", f"/clients/{longest.pk}/", head),
        (f"my week ({busiest.n} clients)", "/my-week/", busiest),
        ("portfolio", "/reporting/portfolio/", head),
        ("NPS analytics", "/reporting/nps/", head),
    ]


def browser_cookie(user) -> str:
    """A logged-in browser session of `user`, as a Cookie header (session and CSRF cookies)."""
    browser = HttpClient()
    browser.force_login(user)
    browser.get("/people/notifications/", secure=True)  # any page: a browser holds a CSRF cookie too
    names = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    return "; ".join(f"{name}={browser.cookies[name].value}" for name in names)


# The pages every account manager uses as themselves; the others are the head of CS's own.
AM_PAGES = ("client list", "client detail", "my week")


def account_managers(tag: str, n: int):
    """`n` different account managers of the scale data set `tag` (fewer if there are fewer)."""
    return list(
        get_user_model()
        .objects.filter(profile__roles__code=Role.ACCOUNT_MANAGER, username__startswith=f"{tag}-")
        .order_by("pk")[:n]
    )


def prepare(clients: int, sessions: int) -> tuple[list[dict], dict]:
    """Migrate, load the scale data if absent, log the pages' users in, and count each page's queries."""
    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("seed_scale", "--clients", str(clients))

    pages = key_pages("scale")
    ams = account_managers("scale", sessions)
    people = [browser_cookie(user) for user in ams]
    # each AM's own client page: the client with the most calls among those they are on the team of
    own_clients = [
        Client.objects.filter(memberships__user=am, archived_at__isnull=True)
        .annotate(n=Count("calls"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
        for am in ams
    ]
    out = []
    for name, path, user in pages:
        cookies = [browser_cookie(user) for _ in range(sessions)]
        browser = HttpClient()
        browser.cookies.load(cookies[0])
        browser.get(path, secure=True)  # warm caches (templates, the matrix) as a running server has them
        with CaptureQueriesContext(connection) as queries:
            response = browser.get(path, secure=True)
        if response.status_code != 200:
            raise SystemExit(f"{name} {path} answered {response.status_code}")
        out.append(
            {
                "page": name,
                "path": path,
                "user": user.username,
                "queries": len(queries),
                "cookies": cookies,
                # the 'people' pass: AMs' pages as 16 different AMs, each seeing their own
                "people_cookies": people if name.startswith(AM_PAGES) else cookies,
                "people_paths": [f"/clients/{pk}/" for pk in own_clients]
                if name.startswith("client detail")
                else None,
            }
        )
    busiest = next(user for name, _, user in pages if name.startswith("my week"))
    return out, {"writes": [toggler(busiest)], "people_writes": [toggler(am) for am in ams]}


def toggler(user) -> dict:
    """What ticks `user`'s first open action off and on again through the web, as their browser."""
    action = writer_action(user)
    return {
        "path": f"/clients/{action.client_id}/actions/{action.pk}/toggle/",
        "user": action.owner.username,
        "cookie": browser_cookie(action.owner),
    }
