"""Trigram indexes for the navigation search's "anywhere in the name" match (clients/search.py), on
PostgreSQL only (SQLite searches with a plain icontains; there this migration does nothing).

A client's or contact's name also matches a fragment inside a word (icontains, which PostgreSQL runs
as UPPER(name) LIKE UPPER('%…%')). Or'ed with the full-text match, it made PostgreSQL read every row
and compute its search vector: 6,000 contacts took 260 ms on the scale data. With a trigram index on
UPPER(name) both halves of the OR are index scans.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# In SQL: OpClass(Upper("name")) renders without the parentheses an expression needs before its
# operator class.
INDEXES = {"clients_client": "client_name_trgm", "clients_contact": "contact_name_trgm"}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX "{name}" ON "{table}" USING gin ((UPPER("name")) gin_trgm_ops)')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES.values():
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("clients", "0014_support_register")]

    operations = [TrigramExtension(), migrations.RunPython(create, drop)]
