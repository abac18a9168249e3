"""Stored search vectors on clients and contacts too (clients/search.py), on PostgreSQL only.

Measured on the 2,000-client scale data after 0016: the search's slowest queries were now the
clients' (every client's vector computed for the filter, 13–15 ms) and the contacts' (the rows a
common word matches rechecked, each vector computed again, 7–22 ms). The same change as 0016 — a
stored generated column, computed when the row is written, with a GIN index replacing 0013's
expression index — with the same expression, so what matches is unchanged. SQLite: nothing.
"""

import importlib

from django.db import migrations

stored_vectors = importlib.import_module("clients.migrations.0016_search_stored_vectors")

# table, fields (as 0013 indexed them), 0013's expression index replaced
STORED = {
    "Client": ("clients_client", ("name", "domain"), "client_search"),
    "Contact": ("clients_contact", ("name", "email", "title"), "contact_search"),
}


class Migration(migrations.Migration):
    dependencies = [("clients", "0016_search_stored_vectors")]

    operations = [
        migrations.RunPython(
            lambda apps, editor: stored_vectors.create(apps, editor, STORED),
            lambda apps, editor: stored_vectors.drop(apps, editor, STORED),
        )
    ]
