"""Exports (issue 19): any list to CSV or Excel, with the list's filters and the person's scope, streamed.

An app describes a list once (`Export`: its columns, the person's queryset, its FilterSet) in its
exports.py; csops/export_urls.py mounts each with one line. The view checks who may export, applies
the filters as the list does (an invalid filter is a 400 saying which), and writes rows as they come
from the database (`.values_list().iterator()`: a server-side cursor on PostgreSQL), so 250,000 calls
never sit in memory at once.

- CSV: a StreamingHttpResponse, one chunk per few hundred rows, UTF-8 with a BOM so Excel opens it.
- Excel: openpyxl's write-only workbook. It writes each row straight to a temporary file (constant
  memory), then zips it; the file is streamed back from disk. tablib was the alternative and was
  rejected: a tablib Dataset holds every row in memory before it can write.
- Formula injection: a text cell starting with = + - @ (or a tab or carriage return) is written with a
  leading apostrophe, so a spreadsheet shows it as text instead of running =HYPERLINK(…) (OWASP).
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 500
ITERATOR_CHUNK = 2000
FORMATS = ("csv", "xlsx")


def escape_cell(value):
    """A value safe to put in a spreadsheet cell: text that a spreadsheet would run as a formula is
    prefixed with an apostrophe; numbers, dates and booleans are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _plain(value):
    """A cell value as the spreadsheet should see it: local naive times, Excel-friendly booleans."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if value is None:
        return ""
    return escape_cell(value)


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # a values_list() path, e.g. "client__name"
    show: Callable | None = None  # the raw value → what the cell shows (e.g. a choice's label)


def choice(choices) -> Callable:
    labels = dict(choices)
    return lambda value: labels.get(value, value)


def yes_no(value) -> str:
    return "" if value is None else ("yes" if value else "no")


@dataclass(frozen=True)
class Export:
    """One exportable list. `queryset(user)` is the person's scope (it must come from the
    permission module's scoping); `allowed(user)` who may export it at all."""

    slug: str
    title: str
    columns: tuple[Column, ...]
    queryset: Callable
    allowed: Callable
    filterset: type | None = None
    ordering: tuple[str, ...] = ()
    description: str = ""
    # a list page that reads its own query parameters (no FilterSet): (queryset, request.GET) → the
    # queryset as that page narrows it, the same function the page's selector uses
    narrow: Callable | None = None

    def rows(self, queryset) -> Iterator[list]:
        fields = [c.field for c in self.columns]
        shows = [c.show for c in self.columns]
        for row in queryset.values_list(*fields).iterator(chunk_size=ITERATOR_CHUNK):
            yield [
                _plain(show(v) if show and v is not None else v) for show, v in zip(shows, row, strict=True)
            ]

    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


class _Echo:
    def write(self, value):
        return value


def _csv_chunks(headers: list[str], rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers)
    chunk = []
    for row in rows:
        chunk.append(writer.writerow(["" if v == "" else _csv_value(v) for v in row]))
        if len(chunk) >= CHUNK_ROWS:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def _csv_value(value):
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def csv_response(filename: str, headers: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_chunks(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, title: str, headers: list[str], rows: Iterable[list]) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response closes (and so deletes) it
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def export_view(request, fmt: str, export: Export):
    """GET /exports/<slug>.<csv|xlsx>?<the list's filters>: the rows the person may see."""
    if fmt not in FORMATS:
        raise Http404("No such format.")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not export.allowed(request.user):
        raise PermissionDenied("Your role does not export this list.")
    queryset = export.queryset(request.user)
    if export.ordering:
        queryset = queryset.order_by(*export.ordering)  # a list's own sort (its filterset's) wins
    if export.filterset is not None:
        filterset = export.filterset(request.GET, queryset=queryset, request=request)
        if not filterset.is_valid():
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in filterset.errors.items())
            return HttpResponse(
                f"Those filters are not valid ({problems}).", status=400, content_type="text/plain"
            )
        queryset = filterset.qs
    if export.narrow is not None:
        queryset = export.narrow(queryset, request.GET)
    stamp = timezone.localdate().isoformat()
    filename = f"{export.slug}-{stamp}"
    rows = export.rows(queryset)
    if fmt == "csv":
        return csv_response(filename, export.headers(), rows)
    return xlsx_response(filename, export.title, export.headers(), rows)
