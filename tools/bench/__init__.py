"""`make bench`: the key pages under load, side by side with a bare Django view (PRODUCT.md §6).

  python -m tools.bench [--clients 2000] [--duration 10] [--rounds 3] [--passes off,on,…] [--pages …]

A tool, not part of the app: nothing under the app's packages imports it.

1. migrates a dedicated PostgreSQL database (BENCH_DATABASE_URL, default csops_bench on 127.0.0.1)
   and loads the scale data if it is absent (`manage.py seed_scale`);
2. serves the app with gunicorn in production settings (DEBUG off) and CSOPS_BENCH=1, which mounts
   the yardstick `/bench/bare/` (a login-required view answering "ok", same middleware);
3. drives each page with wrk at 16 concurrent connections, logged in as the page's user in 16
   browser sessions of their own, in --rounds rounds (3), each measuring the bare view first and
   the pages in a rotated order; a page's ratio is to its round's bare view, and the median and
   spread over the rounds are reported (rounds.py). Every pass uses Redis (BENCH_REDIS_URL);
4. does that in the passes asked for (default off,people,growth): caching off
   (CSOPS_DASHBOARD_CACHE_SECONDS=0); caching on while 16 different account managers, one every
   2 s in turn, tick an action of their own off and on again through the web (each a real write
   that moves the scoped versions, docs/caching.md) and the AMs' pages (client list, their own
   client page, my week) are asked for by those 16 AMs, each seeing their own; and growth: each
   page's uncached CPU per request in-process (growth.py, cpu.py), the daily beat run's time and
   queries, and seed_scale's time and peak memory, at --clients and --growth-clients (10,000, in
   BENCH_DATABASE_URL + _10k). `on` (no writes) and `writes` (one AM writing) are there too;
5. prints page, requests/s, p50 and p95 latency, queries per request and the ratio to the bare view,
   and writes the same to bench-results/bench.json.

The package: run.py (load, measure, report; no Django), rounds.py (the rounds' order, medians and
spread: pure functions), pages.py (which pages, whose sessions, the data: needs Django set up),
cpu.py (CPU per request and cProfile of one page, in-process), growth.py (one size of the growth
pass, a process of its own), __main__.py (puts them together).
"""
