"""Small helpers shared by the view tests."""

import datetime

from django.db import connection
from django.forms import CheckboxInput, FileInput
from django.test.utils import CaptureQueriesContext


def count_queries(client, url) -> int:
    """Queries one GET of `url` makes (it must answer 200)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(ctx)


def form_post(form, **changes) -> dict:
    """What a browser sends back for `form` as rendered (hidden fields included), with `changes`."""
    data = {}
    for bf in form:
        widget, value = bf.field.widget, bf.value()
        if isinstance(widget, FileInput):
            continue
        if isinstance(widget, CheckboxInput):
            if value:
                data[bf.html_name] = "on"
            continue
        if isinstance(value, list | tuple):
            data[bf.html_name] = [str(v) for v in value]
        elif isinstance(value, datetime.datetime):
            data[bf.html_name] = value.strftime("%Y-%m-%dT%H:%M")
        elif isinstance(value, datetime.time):
            data[bf.html_name] = value.strftime("%H:%M")
        elif isinstance(value, datetime.date):
            data[bf.html_name] = value.isoformat()
        else:
            data[bf.html_name] = "" if value is None else str(value)
    data.update(changes)
    return data
