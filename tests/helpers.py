"""Small helpers shared by the view tests."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url) -> int:
    """Queries one GET of `url` makes (it must answer 200)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(ctx)
