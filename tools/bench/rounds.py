"""Rounds for `make bench` on a noisy machine: pure functions, no server, no Django.

A pass measures every page in several rounds; each round measures the bare view too, and a page's
ratio to the bare view is taken within its round (page req/s ÷ that round's bare req/s), so load
from other work that comes and goes moves both sides of the ratio. The pass reports, per page, the
median of its rounds and the spread (the lowest and highest round's ratio).
"""

import statistics

BARE = 0  # the bare view is the first of the pages


def round_order(n_pages: int, round_no: int) -> list[int]:
    """Which page indices a round measures, in order: the bare view first, then the pages rotated
    by one each round, so no page always runs right after the bare view or last."""
    others = list(range(1, n_pages))
    if not others:
        return [BARE]
    k = round_no % len(others)
    return [BARE, *others[k:], *others[:k]]


def ratios(rounds: list[dict[int, dict]]) -> dict[int, list[float]]:
    """Each page's ratio to the bare view, one per round (`rounds`: per round, page index → row)."""
    out = {}
    for measured in rounds:
        bare = measured[BARE]["requests_per_s"] or 1
        for i, row in measured.items():
            out.setdefault(i, []).append(round(row["requests_per_s"] / bare, 3))
    return out


def summarise(rounds: list[dict[int, dict]], target_ratio: float, target_p95_ms: float) -> list[dict]:
    """One row per page (in page order) from the rounds: medians, the ratio's spread, the verdict.

    Each round's rows carry page, path, requests_per_s, p50_ms, p95_ms, p99_ms, queries, errors,
    writes. Latencies and req/s are the median of the rounds; errors and writes their sum.
    """
    per_page = ratios(rounds)
    out = []
    for i in sorted(per_page):
        rows = [measured[i] for measured in rounds if i in measured]
        page_ratios = per_page[i]
        row = {
            "page": rows[0]["page"],
            "path": rows[0]["path"],
            "rounds": len(rows),
            "requests_per_s": round(statistics.median(r["requests_per_s"] for r in rows), 1),
            "p50_ms": round(statistics.median(r["p50_ms"] for r in rows), 1),
            "p95_ms": round(statistics.median(r["p95_ms"] for r in rows), 1),
            "p99_ms": round(statistics.median(r["p99_ms"] for r in rows), 1),
            "queries": rows[0]["queries"],
            "errors": sum(r["errors"] for r in rows),
            "writes": sum(r["writes"] for r in rows),
            "ratio_to_bare": round(statistics.median(page_ratios), 3),
            "ratio_range": [min(page_ratios), max(page_ratios)],
            "ratio_spread": round(max(page_ratios) - min(page_ratios), 3),
            "ratios": page_ratios,
        }
        row["meets_targets"] = i == BARE or (
            row["ratio_to_bare"] >= target_ratio and row["p95_ms"] < target_p95_ms and not row["errors"]
        )
        out.append(row)
    return out
