"""GIN index for the navigation bar's full-text search of opportunities (commercial/search.py), on
PostgreSQL only — built from the very SearchVector the search queries with, as clients 0013 does for
the other kinds; on SQLite the search is a plain icontains and this migration does nothing."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

NAME = "opportunity_search"


def _index():
    # the same expression as commercial/search.py `opportunity_vector`, or PostgreSQL won't use it
    return GinIndex(SearchVector("title", "next_step", "lost_reason", config="simple"), name=NAME)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("commercial", "Opportunity"), _index())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("commercial", "Opportunity"), _index())


class Migration(migrations.Migration):
    dependencies = [
        ("commercial", "0007_account_plans"),
        ("clients", "0015_search_name_trigrams"),
    ]

    operations = [migrations.RunPython(create, drop)]
