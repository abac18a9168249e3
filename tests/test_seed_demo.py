import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from clients.models import AccountTeamMembership, Action, Call, Client, Contact, EngagementType, Flag
from csops.management.commands.seed_demo import DEMO_PASSWORD, LOGINS
from people.models import Role
from reporting.models import BandTable, ReportingBand

pytestmark = pytest.mark.django_db


def counts():
    return (
        get_user_model().objects.count(),
        Client.objects.count(),
        Contact.objects.count(),
        AccountTeamMembership.objects.count(),
    )


def test_seed_demo_covers_every_role_tier_and_band_and_runs_twice(client):
    call_command("seed_demo", verbosity=0)
    first = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == first
    users, clients, contacts, _ = first
    # a login per role, the team tree of 12 (issue 18) and the new-business owner (issue 14)
    assert 10 <= users <= 16 and 25 <= clients <= 40 and contacts > clients

    held = set(Role.objects.filter(profiles__isnull=False).values_list("code", flat=True))
    assert held == {code for code, _ in Role.CODES}
    assert set(Client.objects.values_list("tier__rank", flat=True)) == {1, 2, 3, 4}
    assert set(Client.objects.values_list("engagement_type", flat=True)) == set(EngagementType.values)
    table = BandTable.load()
    assert {table.for_client(c).pk for c in Client.objects.all()} == set(
        ReportingBand.objects.values_list("pk", flat=True)
    )
    assert Client.objects.filter(memberships__is_lead=True).count() == clients  # every client has a lead
    assert Client.objects.filter(exec_sponsor__isnull=False).count() >= clients - 3

    # a live workspace: calls with sent and unsent reports, open actions and open flags
    assert Call.objects.filter(report_sent_at__isnull=False).exists()
    assert Call.objects.filter(report_sent_at__isnull=True).exists()
    assert Action.objects.open().exists() and Flag.objects.exclude(status="resolved").exists()

    for _, username in LOGINS:  # every printed login works through the login form
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        client.post(reverse("logout"))


def test_dry_run_writes_nothing():
    call_command("seed_demo", "--dry-run", verbosity=0)
    assert Client.objects.count() == 0


def test_the_demo_looks_lived_in_the_first_time_someone_opens_it(client):
    """Ninety days of calls and reports (on time, late, missed) and this quarter's check-ins so far."""
    from csops.dates import quarter_start
    from reporting.models import NpsCheckIn, Occurrence

    call_command("seed_demo", verbosity=0)
    today = timezone.localdate()
    past = Occurrence.objects.filter(due_date__lt=today, due_date__gte=today - datetime.timedelta(days=90))
    calls = past.filter(kind="call")
    assert calls.filter(status="done", call__isnull=False).count() >= 50  # held on time, with the call logged
    assert calls.filter(status="missed").exists()
    late = [
        o
        for o in calls.filter(status="missed")
        if Call.objects.filter(
            client=o.client,
            held_at__date__gt=o.due_date,
            held_at__date__lte=o.due_date + datetime.timedelta(days=6),
        ).exists()
    ]
    assert late, "some calls were held, but late"
    assert (
        past.filter(kind="report", status="done").exists()
        and past.filter(kind="report", status="missed").exists()
    )

    this_quarter = NpsCheckIn.objects.filter(quarter=quarter_start(today), status="done")
    scores = set(this_quarter.values_list("score", flat=True))
    assert this_quarter.count() >= 5 and len(scores) >= 4  # a spread, not one answer
    assert this_quarter.filter(completed_at__date__gt=today).count() == 0

    client.force_login(get_user_model().objects.get(username="head"))
    portfolio = client.get(reverse("reporting:portfolio"))
    p = portfolio.context["p"]
    assert p["adherence"]["due"] >= 50 and 60 <= p["adherence"]["percent"] <= 95
    assert len(p["am_adherence"]) >= 4
    assert p["nps"]["this"].responses >= 5 and -30 <= p["nps"]["this"].nps <= 80

    again = (Occurrence.objects.count(), Call.objects.count(), NpsCheckIn.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Occurrence.objects.count(), Call.objects.count(), NpsCheckIn.objects.count()) == again


def test_the_demo_team_has_a_tree_of_12_objectives_and_four_weeks_of_timesheets():
    from django.utils import timezone

    from people import org
    from reporting import team_objectives as objectives
    from reporting import utilisation

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # twice: nothing doubles
    today = timezone.localdate()
    tree = org.team_tree()
    assert len(tree) == 12 and {row["pathway"] for row in tree} == {"delivery", "people"}
    team = objectives.team_objectives(today.year, today)
    assert team["measures"] == 8 and any(
        m["computed"] and m["value"] for o in team["objectives"] for m in o["measures"]
    )
    u = utilisation.utilisation(today)
    assert [p["name"] for p in u["people"] if p["over"]] == ["Ravi Patel"]
    assert sum(1 for p in u["people"] for w in p["weeks"] if w["hours"]) == 12 * 4
    assert len(utilisation.cost_to_serve(today)["over"]) == 1
