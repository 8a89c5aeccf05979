"""HTTP benchmark: idea list page + API vs a bare raw-SQL view, Thai search, vote throughput.

    .venv/bin/python bench/http_bench.py --sizes 100,1000,10000 [--prepare]

For each size N it uses the PostgreSQL database ``<db-prefix>_<N>`` (``--prepare`` builds the
chain: migrate + seed_demo + load_demo for the smallest, then each bigger one is a
``CREATE DATABASE ... TEMPLATE`` copy of the previous plus ``load_demo`` for the difference;
votes ×10 and comments ×2 of the ideas), serves it with uvicorn (``--workers 2``, uvloop +
httptools, ``bench.settings``: DEBUG off, Redis cache + channel layer) on 127.0.0.1 only, and
drives it with an asyncio httpx client, bounded in requests and seconds per measurement:

- latency p50/p95 of ``/bench/baseline`` (the same 20 rows by one raw SQL query in the same
  server), ``GET /api/v1/ideas?campaign=`` and the campaign's idea list page, measured in
  interleaved rounds, with ratios to the baseline and SQL queries per request
  (``X-Bench-Queries`` from ``bench.middleware``), twice: on a server with the anonymous
  listing cache off (``LIST_CACHE_SECONDS=0``: every request builds its listing) and on one
  with it on (as deployed: after the warm-up every anonymous list request is a cache hit);
- Thai search ``GET /api/v1/ideas?q=`` p50/p95, cache off (and EXPLAIN ANALYZE at the largest
  size);
- vote throughput with 50 concurrent clients (one token each; every client votes on the same
  40 ideas in its own order and re-sends 10% of them, so there is row-lock contention and
  idempotent repeats; each vote also invalidates the campaign's cached listings)
  ÷ ``/api/v1/health`` throughput with 50 clients, then verifies in the
  database: votes counted = distinct votes sent, 0 lost, 0 duplicated, counters exact.
"""

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG = "postgres://postgres@127.0.0.1:5432"


def log(message: str) -> None:
    print(message, flush=True)


def env_for(db: str, redis_db: int) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=f"{PG}/{db}",
        REDIS_URL=f"redis://127.0.0.1:6379/{redis_db}",
        CACHE_KEY_PREFIX=f"bench-{db}",
        CHANNEL_LAYER_PREFIX=f"bench-{db}",
        DEBUG="0",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="ERROR",
    )
    return env


def run(cmd: list[str], env: dict, capture: bool = False) -> str:
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=capture, text=True, check=False)
    if result.returncode != 0:
        if capture:
            sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return result.stdout if capture else ""


def psql(sql: str) -> str:
    return run(["psql", f"{PG}/postgres", "-tAc", sql], dict(os.environ), capture=True).strip()


def db_exists(db: str) -> bool:
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"


def prepare_databases(sizes: list[int], prefix: str, redis_db: int) -> None:
    previous, previous_n = None, 0
    for n in sizes:
        db = f"{prefix}_{n}"
        started = time.monotonic()
        if db_exists(db):
            psql(f'DROP DATABASE "{db}" WITH (FORCE)')
        env = env_for(db, redis_db)
        if previous is None:
            psql(f'CREATE DATABASE "{db}"')
            run([PYTHON, "manage.py", "migrate", "-v0"], env)
            seeded = subprocess.run(
                [PYTHON, "manage.py", "seed_demo", "--quiet-logins"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if seeded.returncode != 0:  # a later app's seeder may fail; ideas need only theirs
                last = (seeded.stderr.strip().splitlines() or ["?"])[-1]
                log(f"warning: seed_demo failed ({last}); continuing if campaigns exist")
        else:
            psql(f'CREATE DATABASE "{db}" TEMPLATE "{previous}"')
        add = n - previous_n
        run(
            [PYTHON, "manage.py", "load_demo", "--ideas", str(add), "--votes", str(add * 10)]
            + ["--comments", str(add * 2), "--seed", str(n)],
            env,
        )
        run(["psql", f"{PG}/{db}", "-qc", "VACUUM ANALYZE"], env)
        log(f"database {db}: +{add} ideas in {time.monotonic() - started:.0f}s")
        previous, previous_n = db, n


class Server:
    def __init__(self, db: str, port: int, workers: int, redis_db: int, list_cache: bool = True):
        self.env = env_for(db, redis_db)
        if not list_cache:  # the product setting: anonymous listings built on every request
            self.env["LIST_CACHE_SECONDS"] = "0"
        self.port = port
        self.cmd = [
            PYTHON,
            "-m",
            "uvicorn",
            "portal.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
            "--loop",
            "uvloop",
            "--http",
            "httptools",
        ]
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env=self.env, start_new_session=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url("/api/v1/health"), timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise SystemExit("server exited")
            time.sleep(1)
        raise SystemExit("server did not start")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


async def latency(client, url: str, n: int, concurrency: int, seconds: float, headers=None):
    """n requests (or until `seconds`), `concurrency` at a time: [(ms, status, queries)]."""
    results = []
    deadline = time.monotonic() + seconds
    counter = iter(range(n))

    async def worker():
        for _ in counter:
            if time.monotonic() > deadline:
                return
            t0 = time.perf_counter()
            try:
                response = await client.get(url, headers=headers)
            except httpx.HTTPError as error:  # dropped connection under load: an error, not a crash
                results.append(((time.perf_counter() - t0) * 1000, type(error).__name__, -1))
                continue
            results.append(
                (
                    (time.perf_counter() - t0) * 1000,
                    response.status_code,
                    int(response.headers.get("x-bench-queries", "-1")),
                )
            )

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results


async def measure_lists(server, info, args, search: bool = True) -> dict:
    campaign = info["campaign_id"]
    targets = {
        "baseline": f"/bench/baseline?campaign={campaign}",
        "api": f"/api/v1/ideas?campaign={campaign}",
        "page": info["campaign_path"],
    }
    samples = {name: [] for name in targets}
    limits = httpx.Limits(max_connections=args.concurrency * 2)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        for path in targets.values():  # warm-up: caches, connections, imports
            await latency(client, server.url(path), args.concurrency * 2, args.concurrency, 30)
        per_round = max(1, args.requests // args.rounds)
        for _ in range(args.rounds):
            for name, path in targets.items():
                samples[name] += await latency(
                    client, server.url(path), per_round, args.concurrency, args.seconds
                )
        searched = []
        for q in info["search_queries"] if search else []:
            url = server.url("/api/v1/ideas?" + httpx.QueryParams({"q": q}).__str__())
            await latency(client, url, args.concurrency, args.concurrency, 30)
            searched += await latency(client, url, per_round, args.concurrency, args.seconds)
    out = {}
    for name, rows in list(samples.items()) + ([("search", searched)] if search else []):
        ms = [r[0] for r in rows]
        bad = [r[1] for r in rows if r[1] != 200]
        queries = sorted({r[2] for r in rows})
        out[name] = {
            "n": len(rows),
            "p50": statistics.median(ms) if ms else float("nan"),
            "p95": pct(ms, 95),
            "errors": len(bad),
            "queries": queries,
        }
    return out


async def throughput_health(server, clients: int, total: int, seconds: float) -> dict:
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        await latency(client, server.url("/api/v1/health"), clients * 2, clients, 30)
        t0 = time.perf_counter()
        rows = await latency(client, server.url("/api/v1/health"), total, clients, seconds)
        elapsed = time.perf_counter() - t0
    ok = sum(1 for r in rows if r[1] == 200)
    failures: dict[str, int] = {}  # status code or client-side error name → count
    for row in rows:
        if row[1] != 200:
            failures[str(row[1])] = failures.get(str(row[1]), 0) + 1
    return {
        "requests": len(rows),
        "ok": ok,
        "failures": failures,
        "seconds": elapsed,
        "rps": ok / elapsed,
    }


async def throughput_votes(server, tokens: list[str], idea_ids: list[int], seconds: float):
    """Each client votes on every idea (own order) and re-sends ~10%; returns what was sent."""
    rng = random.Random(7)
    sent: set[tuple[int, int]] = set()  # (client, idea) acknowledged with 200 voted=true
    statuses: dict[int, int] = {}
    requests = 0
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=len(tokens))
    async with httpx.AsyncClient(limits=limits, timeout=120) as client:

        async def voter(index: int, token: str):
            nonlocal requests
            plan = list(idea_ids)
            rng.shuffle(plan)
            plan += rng.sample(idea_ids, max(1, len(idea_ids) // 10))
            headers = {"Authorization": f"Bearer {token}"}
            for idea_id in plan:
                if time.monotonic() > deadline:
                    return
                requests += 1
                try:
                    response = await client.post(
                        server.url(f"/api/v1/ideas/{idea_id}/vote"), headers=headers
                    )
                except httpx.HTTPError:  # not acknowledged: the verify step still checks the DB
                    statuses[0] = statuses.get(0, 0) + 1
                    continue
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code == 200 and response.json().get("voted") is True:
                    sent.add((index, idea_id))

        t0 = time.perf_counter()
        await asyncio.gather(*(voter(i, t) for i, t in enumerate(tokens)))
        elapsed = time.perf_counter() - t0
    ok = statuses.get(200, 0)
    return {
        "requests": requests,
        "ok": ok,
        "statuses": statuses,
        "distinct_votes_acknowledged": len(sent),
        "seconds": elapsed,
        "rps": ok / elapsed,
    }


def bench_size(n: int, args) -> dict:
    db = f"{args.db_prefix}_{n}"
    if not db_exists(db):
        raise SystemExit(f"database {db} missing: run with --prepare")
    env = env_for(db, args.redis_db)
    run([PYTHON, "manage.py", "migrate", "-v0"], env)  # other apps may have moved on
    info = json.loads(
        run(
            [PYTHON, "-m", "bench.dbtool", "prepare", "--clients", str(args.clients)]
            + ["--vote-ideas", str(args.vote_ideas)],
            env,
            capture=True,
        )
    )
    info["search_queries"] = list(info["search_hits"])
    subprocess.run(["redis-cli", "-n", str(args.redis_db), "FLUSHDB"], capture_output=True)
    log(
        f"\n== {n:,} ideas (db {db}: {info['ideas_total']:,} ideas incl. demo, "
        f"{info['votes_total']:,} votes; list campaign has {info['campaign_ideas']:,} ideas)"
    )
    # Uncached first: the listing cache off (LIST_CACHE_SECONDS=0), every anonymous list request
    # builds its listing (Wagtail's route lookup stays cached, as in production); Thai search
    # is measured here so that repeating the same three queries does not hit a cache.
    with Server(db, args.port, args.workers, args.redis_db, list_cache=False) as server:
        uncached = asyncio.run(measure_lists(server, info, args, search=True))
    subprocess.run(["redis-cli", "-n", str(args.redis_db), "FLUSHDB"], capture_output=True)
    # Then the product as deployed: anonymous listings served from the shared cache (filled by
    # the warm-up; nothing changes during these rounds, so they are all hits), then votes, each
    # of which invalidates the campaign's cached listings.
    with Server(db, args.port, args.workers, args.redis_db) as server:
        cached = asyncio.run(measure_lists(server, info, args, search=False))
        health = asyncio.run(
            throughput_health(server, args.clients, args.throughput_requests, args.seconds)
        )
        votes = asyncio.run(
            throughput_votes(server, info["tokens"], info["vote_ideas"], args.vote_seconds)
        )
    check = json.loads(
        run(
            [PYTHON, "-m", "bench.dbtool", "verify", "--ideas"]
            + [",".join(map(str, info["vote_ideas"]))],
            env,
            capture=True,
        )
    )
    for title, lists in (("listing cache off", uncached), ("listing cache on", cached)):
        log(f"  -- {title} (ratios to the baseline of the same server run)")
        base = lists["baseline"]
        for name in ("baseline", "api", "page", "search"):
            if name not in lists:
                continue
            row = lists[name]
            ratio = "" if name == "baseline" else f"  ÷ baseline p50 {row['p50'] / base['p50']:.2f}"
            ratio += "" if name == "baseline" else f", p95 {row['p95'] / base['p95']:.2f}"
            log(
                f"  {name:8} n={row['n']:4} p50 {row['p50']:7.1f} ms  p95 {row['p95']:7.1f} ms"
                f"  errors {row['errors']}  queries/request {row['queries']}{ratio}"
            )
    log(
        f"  health   {health['rps']:7.1f} req/s ({health['ok']}/{health['requests']} ok, "
        f"{args.clients} clients{', failed: ' + str(health['failures']) if health['failures'] else ''})"
    )
    log(
        f"  votes    {votes['rps']:7.1f} req/s ({votes['ok']}/{votes['requests']} ok, "
        f"statuses {votes['statuses']}) ÷ health {votes['rps'] / health['rps']:.2f}"
    )
    lost = votes["distinct_votes_acknowledged"] - check["client_votes"]
    log(
        f"  verify   sent (distinct, acknowledged) {votes['distinct_votes_acknowledged']}, "
        f"in DB {check['client_votes']}, lost {max(lost, 0)}, extra {max(-lost, 0)}, "
        f"duplicate pairs {check['duplicate_pairs']}, "
        f"counter mismatches {len(check['counter_mismatches'])}"
    )
    result = {
        "size": n,
        "info": {k: v for k, v in info.items() if k != "tokens"},
        "lists_uncached": uncached,
        "lists_cached": cached,
        "health": health,
        "votes": votes,
        "check": check,
    }
    if args.explain and n == max(args.sizes):
        for q in info["search_queries"][:1]:
            plans = json.loads(
                run([PYTHON, "-m", "bench.dbtool", "explain", "--q", q], env, capture=True)
            )
            log(f"  EXPLAIN ANALYZE q={q} terms={plans['terms']} hits={plans['hits']}")
            for key in ("count", "page"):
                if key in plans:
                    log(f"  -- {key} query:")
                    for line in plans[key].splitlines():
                        log(f"     {line}")
            result["explain"] = plans
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--prepare", action="store_true", help="(re)build the databases first")
    parser.add_argument("--prepare-only", action="store_true", help="build databases, no bench")
    parser.add_argument("--db-prefix", default="bench_eng")
    parser.add_argument("--redis-db", type=int, default=7)
    parser.add_argument("--port", type=int, default=8110)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=10, help="clients for latency runs")
    parser.add_argument("--requests", type=int, default=300, help="per endpoint (all rounds)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=30, help="cap per measurement")
    parser.add_argument("--clients", type=int, default=50, help="concurrent voters / health")
    parser.add_argument("--vote-ideas", type=int, default=40)
    parser.add_argument("--vote-seconds", type=float, default=90)
    parser.add_argument("--throughput-requests", type=int, default=2000)
    parser.add_argument("--no-explain", dest="explain", action="store_false")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    args.sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.prepare or args.prepare_only:
        prepare_databases(args.sizes, args.db_prefix, args.redis_db)
    if args.prepare_only:
        return
    log(
        f"http_bench {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}; uvicorn --workers {args.workers}; "
        f"PostgreSQL connection pool {'off' if os.environ.get('DB_POOL') == '0' else 'on'} "
        "(DB_POOL=0 turns it off)"
    )
    results = [bench_size(n, args) for n in args.sizes]
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
