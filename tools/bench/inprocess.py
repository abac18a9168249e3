"""The benchmark's in-process passes, `import` and `search`: their targets and their table (no Django
in here: run.py prints it). The passes themselves are importing.py and searching.py.

Their rows keep bench.json's shape (page, ratio_to_bare, p95_ms, queries, meets_targets), with
`ratio_to_bare` null (nothing is served beside a bare view) and `seconds` and `rows` added.
"""

IMPORT, SEARCH = "import", "search"
IN_PROCESS = (IMPORT, SEARCH)
IMPORT_SECONDS = 60  # issue 19 item 1: 10,000 rows imported (preview and confirm) in under a minute
SEARCH_P95_MS = 100  # issue 19 item 5: the navigation search under 100 ms p95 on the scale data
TITLES = {
    IMPORT: "import: a spreadsheet through the preview and confirm pages, in one transaction rolled back",
    SEARCH: "search: the navigation bar's search page, uncached, one request at a time",
}
TARGETS = {IMPORT: {"seconds": IMPORT_SECONDS}, SEARCH: {"p95_ms": SEARCH_P95_MS}}


class Counter:
    """`connection.execute_wrapper(counter)`: counts the statements run (CaptureQueriesContext would
    keep 10,000-row INSERTs' text)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def _cell(value, digits=1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def _cpu(row) -> str:
    """This process's CPU: an import step's seconds, or a search request's median milliseconds."""
    if row.get("cpu_seconds") is not None:
        return f"{row['cpu_seconds']:.2f} s"
    return f"{row['cpu_ms_p50']:.1f} ms" if row.get("cpu_ms_p50") is not None else "—"


def in_process_table(mode: str, rows: list[dict]) -> list[str]:
    target = (
        f"preview + confirm < {IMPORT_SECONDS} s a file"
        if mode.startswith(IMPORT)
        else f"p95 < {SEARCH_P95_MS} ms a query"
    )
    lines = [
        f"\n{mode} — targets: {target}",
        "| page | rows | seconds | CPU (app) | p95 ms | queries | targets |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        verdict = "—" if r.get("meets_targets") is None else "met" if r["meets_targets"] else "missed"
        lines.append(
            f"| {r['page']} | {_cell(r.get('rows'))} | {_cell(r.get('seconds'), 2)} "
            f"| {_cpu(r)} | {_cell(r.get('p95_ms'))} | {_cell(r.get('queries'))} "
            f"| {verdict} |"
        )
    return lines
