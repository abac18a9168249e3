"""make bench's rounds on a noisy machine: the order, the per-round ratio, the median and spread."""

from tools.bench.rounds import ratios, round_order, summarise
from tools.bench.run import parse_args, table


def row(page, rps, p95=50.0, errors=0, writes=0):
    return {
        "page": page,
        "path": f"/{page}/",
        "requests_per_s": rps,
        "p50_ms": p95 / 2,
        "p95_ms": p95,
        "p99_ms": p95 * 2,
        "queries": 7,
        "errors": errors,
        "writes": writes,
    }


def test_each_round_measures_the_bare_view_first_and_rotates_the_pages():
    orders = [round_order(4, r) for r in range(4)]
    assert orders == [[0, 1, 2, 3], [0, 2, 3, 1], [0, 3, 1, 2], [0, 1, 2, 3]]
    assert round_order(1, 5) == [0]


def test_a_page_is_compared_with_the_bare_view_of_its_own_round():
    # the machine was twice as busy in round 2: both sides halved, the ratio holds
    rounds = [
        {0: row("bare", 400), 1: row("meet", 100)},
        {0: row("bare", 200), 1: row("meet", 50)},
        {0: row("bare", 400), 1: row("meet", 120)},
    ]
    assert ratios(rounds) == {0: [1.0, 1.0, 1.0], 1: [0.25, 0.25, 0.3]}


def test_the_pass_reports_the_median_ratio_its_spread_and_the_verdict_on_the_medians():
    rounds = [
        {0: row("bare", 400, p95=20), 1: row("meet", 100, p95=90), 2: row("nps", 40, p95=300, writes=1)},
        {0: row("bare", 200, p95=40), 2: row("nps", 30, p95=100, writes=2), 1: row("meet", 10, p95=900)},
        {0: row("bare", 400, p95=25), 1: row("meet", 80, p95=120), 2: row("nps", 60, p95=110, errors=1)},
    ]
    bare, meet, nps = summarise(rounds, target_ratio=0.15, target_p95_ms=150)
    assert [r["page"] for r in (bare, meet, nps)] == ["bare", "meet", "nps"]
    assert bare["ratio_to_bare"] == 1.0 and bare["ratio_spread"] == 0 and bare["meets_targets"]
    # one bad round (0.05) does not decide the figure: the median does, and the spread shows it
    assert meet["ratios"] == [0.25, 0.05, 0.2]
    assert (
        meet["ratio_to_bare"] == 0.2 and meet["ratio_range"] == [0.05, 0.25] and meet["ratio_spread"] == 0.2
    )
    assert meet["requests_per_s"] == 80 and meet["p95_ms"] == 120 and meet["rounds"] == 3
    assert meet["meets_targets"]
    # medians of latency too; errors and writes add up over the rounds; an error misses the target
    assert nps["ratio_to_bare"] == 0.15 and nps["p95_ms"] == 110
    assert nps["writes"] == 3 and nps["errors"] == 1 and not nps["meets_targets"]


def test_the_table_shows_the_rounds_the_spread_and_each_pass_cache():
    rounds = [
        {0: row("bare view", 400), 1: row("weekly meet", 100)},
        {0: row("bare view", 200), 1: row("weekly meet", 40)},
        {0: row("bare view", 400), 1: row("weekly meet", 120)},
    ]
    report = {
        "clients": 2000,
        "connections": 16,
        "sessions_per_page": 16,
        "duration_s": 10,
        "rounds": 3,
        "load_average": [4.2, 3.0, 2.5],
        "machine": "2 CPU",
        "caches": {
            "cache off": {
                "backend": "redis (csops.cache.ResilientRedisCache)",
                "location": "redis://127.0.0.1:6379/15",
                "CSOPS_DASHBOARD_CACHE_SECONDS": "0",
            }
        },
        "passes": {"cache off": summarise(rounds, 0.15, 200)},
    }
    text = table(report)
    assert "in each of 3 rounds" in text and "load average 4.2 3.0 2.5" in text
    assert "cache off — cache: redis (csops.cache.ResilientRedisCache) at redis://127.0.0.1:6379/15" in text
    assert "| weekly meet | 100 | 25.0 | 50.0 | 7 | 0.25 (0.20–0.30) | — | met |" in text


def test_rounds_and_pages_are_options():
    args = parse_args(["--rounds", "5", "--pages", "weekly meet, portfolio", "--duration", "1"])
    assert args.rounds == 5 and args.pages == ["weekly meet", "portfolio"] and args.duration == 1
    assert parse_args([]).rounds == 3


def test_the_growth_pass_judges_cpu_queries_the_beat_run_and_seed_scale():
    from tools.bench.growing import GROWTH_CPU_RATIO, compare, growth_table

    def size(meet_cpu, meet_queries, beat_s, beat_q, peak):
        return {
            "pages": [
                {"page": "bare view", "cpu_ms": 2.0, "queries": 2, "html_kb": 0.0},
                {"page": "weekly meet", "cpu_ms": meet_cpu, "queries": meet_queries, "html_kb": 70.0},
                {"page": "my week (54 clients)", "cpu_ms": 30.0, "queries": 11, "html_kb": 60.0},
            ],
            "beat": {"seconds": beat_s, "queries": beat_q},
            "seed": {"clients": 2000, "seconds": 60.0, "peak_mb": peak, "dry_run": True},
        }

    names = ["bare view", "weekly meet", "my week (54 clients)"]
    flat = compare(size(40.0, 20, 3.0, 900, 107), size(40.0 * GROWTH_CPU_RATIO, 20, 9.0, 900, 191), names)
    assert [r["meets_targets"] for r in flat["rows"]] == [True, True, True]
    assert flat["rows"][2]["page"] == "my week"  # the same page at both sizes, whatever its label says
    assert flat["beat"]["meets_targets"] and flat["seed_scale"]["meets_targets"]

    grown = compare(size(40.0, 20, 3.0, 900, 107), size(61.0, 21, 11.0, 901, 420), names)
    assert [r["meets_targets"] for r in grown["rows"]] == [True, False, True]
    assert not grown["beat"]["meets_targets"] and not grown["seed_scale"]["meets_targets"]
    text = "\n".join(growth_table("growth", grown["rows"], grown))
    assert "| weekly meet | 40.0 | 61.0 | 1.52 | 20 → 21 | 70.0 → 70.0 | missed |" in text
    assert "peak 420 MB (--dry-run): missed" in text


def test_the_passes_carry_the_issue_s_targets():
    from tools.bench.run import PASSES

    assert PASSES["off"][3] == (0.15, 200)
    assert PASSES["people"][:3] == (True, True, "people_cookies") and PASSES["people"][3] == (0.5, 100)
    assert parse_args([]).passes == ["off", "people", "growth"] and parse_args([]).write_every == 2.0
