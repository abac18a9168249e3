"""Stored search vectors on calls and flags, for the navigation search (clients/search.py), on
PostgreSQL only.

The search reads the newest 500 calls (flags) first; with an expression index PostgreSQL computed
each of those rows' vectors at every search (p95 250–580 ms on the scale data). A stored generated
column is computed once, when the row is written, and the search reads it (`STORED` in search.py);
its GIN index replaces the expression index of 0013. The expression is SearchVector's own (each
field coalesced, joined by a space, config "simple"), so what matches is unchanged. Django does not
know the column (no model field: SQLite has no tsvector), so `makemigrations` is unaffected; on SQLite
this migration does nothing and the search stays icontains.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# table, fields (as 0013 indexed them), 0013's expression index replaced
STORED = {
    "Call": ("clients_call", ("rapport", "delivery", "strategy", "commercial"), "call_search"),
    "Flag": ("clients_flag", ("title", "description", "resolution"), "flag_search"),
}
COLUMN = "search_vector"


def _expression(fields):
    joined = " || ' ' || ".join(f"coalesce({f}, '')" for f in fields)
    return f"to_tsvector('simple'::regconfig, {joined})"


def create(apps, schema_editor, stored=STORED):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, (table, fields, old_index) in stored.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({_expression(fields)}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {table}_search_vector ON {table} USING gin ({COLUMN})")
        schema_editor.execute(f"DROP INDEX IF EXISTS {old_index}")


def drop(apps, schema_editor, stored=STORED):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, (table, fields, old_index) in stored.items():
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {COLUMN}")  # and its index
        model = apps.get_model("clients", model_name)
        schema_editor.add_index(model, GinIndex(SearchVector(*fields, config="simple"), name=old_index))


class Migration(migrations.Migration):
    dependencies = [("clients", "0015_search_name_trigrams")]

    operations = [migrations.RunPython(create, drop)]
