"""GIN indexes for the navigation bar's full-text search (clients/search.py), on PostgreSQL only.

Built from the same SearchVector expressions the search queries with (so PostgreSQL can use them);
kept out of the models' Meta because SQLite, the embedded default, has no GIN indexes — on SQLite the
search is a plain icontains and this migration does nothing.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEXES = {
    "Client": ("client_search", ("name", "domain")),
    "Contact": ("contact_search", ("name", "email", "title")),
    "Call": ("call_search", ("rapport", "delivery", "strategy", "commercial")),
    "Flag": ("flag_search", ("title", "description", "resolution")),
}


def _index(name, fields):
    return GinIndex(SearchVector(*fields, config="simple"), name=name)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, (name, fields) in INDEXES.items():
        schema_editor.add_index(apps.get_model("clients", model_name), _index(name, fields))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, (name, fields) in INDEXES.items():
        schema_editor.remove_index(apps.get_model("clients", model_name), _index(name, fields))


class Migration(migrations.Migration):
    dependencies = [("clients", "0012_client_contact_edit_version")]

    operations = [migrations.RunPython(create, drop)]
