"""In-process look at one list request: the SQL it runs and its CPU cost next to the baseline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf_bench_10000 \
        .venv/bin/python bench/profile_list.py [--target api|page|baseline] [--sql] [--repeat 200]

Uses Django's test client against the given database (``bench.settings``: DEBUG off, the
bench's ``/bench/baseline`` URL), anonymous unless ``--token``. Prints the SQL of one request
(``--sql``), then the process CPU time per request for each target over ``--repeat`` requests
(after a warm-up), uncached ("cold", the listing cache is cleared before every request) and
cached. CPU time (``time.process_time``) leaves out waiting for PostgreSQL, so it is much less
noisy than wall-clock on a loaded machine. ``--profile`` prints the top of a cProfile of the
measured loop (by own time).
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("CACHE_KEY_PREFIX", "bench-profile")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def _targets() -> dict[str, str]:
    from bench.dbtool import _campaign

    campaign = _campaign()
    return {
        "baseline": f"/bench/baseline?campaign={campaign.pk}",
        "api": f"/api/v1/ideas?campaign={campaign.pk}",
        "page": campaign.url,
    }


def _clear_listing_cache() -> None:
    try:
        from ideas.cache import listing_cache_clear
    except ImportError:  # before the listing cache existed: nothing to clear
        return
    listing_cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", action="append", choices=["baseline", "api", "page"])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--sql", action="store_true", help="print the SQL of one request")
    parser.add_argument("--token", help="Bearer token (API) — default anonymous")
    parser.add_argument("--profile", action="store_true", help="cProfile the loop")
    parser.add_argument("--mode", choices=["both", "cold", "cached"], default="both")
    args = parser.parse_args()
    targets = _targets()
    names = args.target or list(targets)
    client = Client(HTTP_HOST="127.0.0.1")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {args.token}"} if args.token else {}
    cache.clear()
    for name in names:
        url = targets[name]
        for _ in range(5):
            assert client.get(url, **headers).status_code == 200, url
        if args.sql:
            _clear_listing_cache()
            with CaptureQueriesContext(connection) as ctx:
                client.get(url, **headers)
            print(f"-- {name} {url}: {len(ctx.captured_queries)} queries (uncached)")
            for q in ctx.captured_queries:
                print("   ", q["sql"][:300])
            with CaptureQueriesContext(connection) as ctx:
                client.get(url, **headers)
            print(f"-- {name}: {len(ctx.captured_queries)} queries (cached)")
            for q in ctx.captured_queries:
                print("   ", q["sql"][:300])
        modes = ["cold", "cached"] if args.mode == "both" else [args.mode]
        for mode in modes:
            profiler = None
            if args.profile:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            t0 = time.process_time()
            for _ in range(args.repeat):
                if mode == "cold":
                    _clear_listing_cache()
                client.get(url, **headers)
            cpu = (time.process_time() - t0) / args.repeat * 1000
            print(f"{name:8} {mode:6} {cpu:7.2f} ms CPU/request ({args.repeat} requests)")
            if profiler is not None:
                import pstats

                profiler.disable()
                pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
