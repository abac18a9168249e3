"""Reads made on every request, their SQL compiled once per process (issue 13).

Django builds and compiles a queryset's SQL each time it is evaluated. For the few small reads every
page makes — the viewer's roles, their unread notices, the cache's counters — that costs 0.35–0.6 ms
of CPU each, five to nine times what running the statement costs (0.06 ms): on a page served from the
cache it was a third of the request. `Compiled` keeps the SQL Django compiles for a queryset, one per
shape of its arguments, and runs it again with each request's values through Django's own cursor, so
query logging, `CaptureQueriesContext` and the query-count tests see it as before.

The SQL is still Django's: the queryset is written as usual, and its first evaluation for a shape is
checked — the compiled parameters must be exactly the arguments given, in order. When they are not
(Django folded duplicates of an `__in` list, or prepared a value), that call runs as a normal queryset
and nothing is kept, so a kept statement only ever runs with values where Django put them. The
converters Django would apply to the columns (a field's `from_db_value`, an expression's or the
backend's: JSON decoded, a count made an int) are kept with the statement and applied to each row as
Django's compiler applies them, so the rows are what the queryset returns.
"""

import threading

from django.db import connection


def _flat(args) -> tuple:
    out = []
    for arg in args:
        out.extend(arg) if isinstance(arg, list | tuple) else out.append(arg)
    return tuple(out)


def _shape(args) -> tuple:
    return tuple(("list", len(a)) if isinstance(a, list | tuple) else type(a).__name__ for a in args)


class Compiled:
    """`Compiled(build).rows(*args)`: the rows (tuples) of `build(*args)`, a `values_list()` queryset
    whose only parameters are `args` (a list argument for an `__in` lookup)."""

    def __init__(self, build):
        self._build = build
        self._sql: dict[tuple, tuple[str, list]] = {}
        self._lock = threading.Lock()

    def rows(self, *args) -> list[tuple]:
        shape = (connection.vendor, _shape(args))
        kept = self._sql.get(shape)
        if kept is None:
            queryset = self._build(*args)
            compiler = queryset.query.get_compiler(using=queryset.db)
            sql, params = compiler.as_sql()
            if tuple(params) != _flat(args):
                return [tuple(row) for row in queryset]
            columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
            with self._lock:
                kept = self._sql.setdefault(shape, (sql, list(compiler.get_converters(columns).items())))
        sql, converters = kept
        with connection.cursor() as cursor:
            cursor.execute(sql, _flat(args))
            rows = cursor.fetchall()
        return [_converted(row, converters) for row in rows] if converters else rows


def _converted(row, converters) -> tuple:
    """One row through the column converters, as SQLCompiler.apply_converters does."""
    row = list(row)
    for position, (functions, expression) in converters:
        value = row[position]
        for function in functions:
            value = function(value, expression, connection)
        row[position] = value
    return tuple(row)
