"""Reads whose SQL is compiled once per process (csops/statements.py, issue 13)."""

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from csops import context_processors
from csops.statements import Compiled
from people import roles
from people.models import OutboxMessage, Role
from reporting.models import CacheVersion

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


def versions_of():
    return Compiled(lambda scopes: CacheVersion.objects.filter(scope__in=scopes).values_list("scope", "n"))


def test_the_rows_are_the_querysets_rows_for_each_call_s_values():
    CacheVersion.objects.create(scope="client:1", n=3)
    CacheVersion.objects.create(scope="client:2", n=5)
    compiled = versions_of()
    assert sorted(compiled.rows(["client:1", "client:2"])) == [("client:1", 3), ("client:2", 5)]
    # the same shape again runs the kept SQL with the new values, not the first call's
    assert sorted(compiled.rows(["client:2", "nothing"])) == [("client:2", 5)]
    assert compiled.rows(["x", "y"]) == []
    # another shape (three scopes) compiles its own statement
    assert sorted(compiled.rows(["client:1", "client:2", "z"])) == [("client:1", 3), ("client:2", 5)]
    assert len(compiled._sql) == 2


def test_a_kept_statement_is_one_query_the_query_counts_see():
    compiled = versions_of()
    compiled.rows(["a"])
    with CaptureQueriesContext(connection) as queries:
        compiled.rows(["b"])
    assert len(queries) == 1
    assert "reporting_cacheversion" in queries[0]["sql"]


def test_when_django_does_not_pass_the_values_as_given_nothing_is_kept():
    # Django folds the duplicates of an __in list: the parameters no longer line up with the
    # arguments, so the call runs as a plain queryset and no statement is kept for that shape
    CacheVersion.objects.create(scope="client:1", n=3)
    compiled = versions_of()
    assert compiled.rows(["client:1", "client:1"]) == [("client:1", 3)]
    assert compiled._sql == {}
    assert compiled.rows(["client:1", "other"]) == [("client:1", 3)]
    assert len(compiled._sql) == 1


def test_a_user_s_roles_and_unread_count_come_through_kept_statements(world, login):
    assert Role.HEAD_OF_CS in roles.roles_of(world.head)
    assert roles._ROLES._sql  # kept after the first read
    NotificationFactory(user=world.team_am)
    page = login(world.team_am).get(reverse("my_week")).content.decode()
    assert 'data-testid="unread-count">1<' in page
    assert context_processors._UNREAD._sql
    fresh = type(world.team_am).objects.get(pk=world.team_am.pk)
    assert roles.roles_of(fresh) == frozenset(
        Role.objects.filter(profiles__user=world.team_am).values_list("code", flat=True)
    )


def test_columns_are_converted_as_the_queryset_converts_them():
    # a JSON column is decoded by the field's from_db_value (read raw it would be a string), and a
    # count goes through its expression's converter: the kept statement converts both
    message = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.EMAIL,
        summary="Hello",
        available_at=timezone.now(),
        payload={"to": ["a@x.org"]},
    )
    compiled = Compiled(lambda pk: OutboxMessage.objects.filter(pk=pk).values_list("summary", "payload"))
    assert compiled.rows(message.pk) == [("Hello", {"to": ["a@x.org"]})]
    assert compiled.rows(message.pk) == [("Hello", {"to": ["a@x.org"]})]  # the kept statement
    assert len(compiled._sql) == 1
    counted = Compiled(
        lambda kind: (
            OutboxMessage.objects.filter(kind=kind)
            .values("kind")
            .annotate(n=Count("pk"))
            .values_list("kind", "n")
        )
    )
    assert counted.rows("email") == counted.rows("email") == [("email", 1)]
    assert counted._sql and counted.rows("task") == []
