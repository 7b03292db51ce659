"""Load on gunicorn: a mixed reading workload, then concurrent API editors, on one or two servers.

    .venv/bin/python benchmarks/load.py                                  # SQLite + Whoosh, 1 server, 2 workers
    .venv/bin/python benchmarks/load.py --workers 3                      # SQLite with 3 workers
    DATABASE_URL=postgres://…/rulebook_x .venv/bin/python benchmarks/load.py --servers 2 --backend postgres \\
        --cache redis://127.0.0.1:6379/5                                 # two servers on one PostgreSQL + Redis

Prepares a scratch data dir as benchmarks/editors.py does (migrate, load, index, collectstatic; a scratch
SQLite database unless DATABASE_URL is set, which is then migrated and loaded in place), starts --servers
gunicorn servers (config/gunicorn.py, --workers each) on 127.0.0.1 from --port, then

1. reads (after one request for every page of the workload on every server): --connections threads send
   50 % provision pages, 30 % searches (/search/?q=…), 20 % document pages, spread over the servers, for
   --seconds or --requests in all, whichever comes first;
2. edits: --editors API editors (benchmarks/editors.py) save through the servers in turn while readers go on.

Prints requests/s, p50/p95/p99 per kind and overall, errors by status, the provision page's server time
(gunicorn's access log) and the editors' save latency, lost edits and "searchable within" time. Only
127.0.0.1 is ever contacted; every loop is bounded in count and time.
"""

import argparse
import collections
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.editors import edit_concurrently, lost_edits, percentile  # noqa: E402
from benchmarks.serving import (  # noqa: E402
    engine_name,
    prepare,
    scratch_site,
    server_times,
    start_servers,
    stop_servers,
)

MIX = [("provision", 0.5), ("search", 0.3), ("document", 0.2)]
SEARCHES = [
    "battery recycling",
    "EPR",
    "energy efficiency",
    "动力电池 回收",
    "steel capacity",
    "traceability",
    "industry:steel energy",
    "carbon peaking",
    "recycled materials",
    "hydrogen",
]


def get(url):
    """(status, milliseconds). http.client rather than urllib: the client's own work stays small beside the
    server's on a machine they share."""
    parts = urllib.parse.urlsplit(url)
    started = time.perf_counter()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}" if parts.query else parts.path)
        answer = connection.getresponse()
        answer.read()
        status = answer.status
    except (OSError, http.client.HTTPException) as error:
        status = f"no answer ({type(error).__name__})"
    finally:
        connection.close()
    return status, (time.perf_counter() - started) * 1000


def read_load(bases, setup, connections, seconds, limit, stop_event=None, seed=1):
    """Mixed reads from `connections` threads until `seconds` pass, `limit` requests are sent or stop_event."""
    provisions = setup["provisions"]
    documents = sorted({slug for slug, _eid in provisions})
    timings = collections.defaultdict(list)
    statuses = collections.Counter()
    lock = threading.Lock()
    sent = [0]
    deadline = time.monotonic() + seconds
    kinds, weights = zip(*MIX, strict=True)

    def reader(number):
        rng = random.Random(seed * 1000 + number)
        while time.monotonic() < deadline and not (stop_event and stop_event.is_set()):
            with lock:
                if sent[0] >= limit:
                    return
                sent[0] += 1
                base = bases[sent[0] % len(bases)]
            kind = rng.choices(kinds, weights)[0]
            if kind == "provision":
                slug, eid = rng.choice(provisions)
                url = f"{base}/documents/{slug}/{eid}/"
            elif kind == "document":
                url = f"{base}/documents/{rng.choice(documents)}/"
            else:
                url = f"{base}/search/?{urllib.parse.urlencode({'q': rng.choice(SEARCHES)})}"
            status, milliseconds = get(url)
            with lock:
                timings[kind].append(milliseconds)
                statuses[status] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=reader, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, statuses, time.perf_counter() - started


def warm(bases, setup, connections):
    """Every page of the workload once on every server (each worker opens the index on its first search):
    the figures are then of a site that has been running, not of its first minute."""
    documents = sorted({slug for slug, _eid in setup["provisions"]})
    paths = [f"/documents/{slug}/{eid}/" for slug, eid in setup["provisions"]] + [f"/documents/{d}/" for d in documents]
    paths += [f"/search/?{urllib.parse.urlencode({'q': q})}" for q in SEARCHES] * 4
    urls = collections.deque(f"{base}{path}" for base in bases for path in paths)
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not urls:
                    return
                url = urls.popleft()
            get(url)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def describe(values):
    return (
        f"p50 {statistics.median(values):6.1f} ms  p95 {percentile(values, 95):6.1f} ms  "
        f"p99 {percentile(values, 99):6.1f} ms  ({len(values)})"
    )


def kind_of(path):
    parts = [part for part in path.split("/") if part]
    if parts[:1] == ["documents"]:
        return {2: "document", 3: "provision"}.get(len(parts))
    return "search" if parts == ["search"] else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=1, help="gunicorn servers on the same database")
    parser.add_argument("--workers", type=int, default=2, help="worker processes per server")
    parser.add_argument("--port", type=int, default=8111, help="the first server's port (127.0.0.1)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20, help="how long the reading phase lasts at most")
    parser.add_argument("--requests", type=int, default=6000, help="at most this many reads")
    parser.add_argument("--editors", type=int, default=8)
    parser.add_argument("--edits", type=int, default=10, help="saves per editor (0: no editing phase)")
    parser.add_argument("--backend", choices=["whoosh", "postgres"], default="whoosh")
    parser.add_argument("--cache", default="", help="CACHE_URL (default: a folder in the scratch data dir)")
    args = parser.parse_args()
    if args.servers > 1 and args.backend == "whoosh" and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("note: several servers here share one SQLite file and one Whoosh folder (one machine only)")

    scratch, env = scratch_site("load-bench-", args.backend, args.cache)
    if args.cache.startswith("redis://"):
        subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); from django.core.cache import cache; cache.clear()"],
            env=env,
            cwd=ROOT,
            check=True,
        )
    print(f"Preparing {scratch} …", flush=True)
    setup = prepare(env)
    servers = start_servers(env, args.servers, args.workers, args.port, scratch)
    bases = [base for base, _process, _log in servers]
    try:
        warm(bases, setup, args.connections)
        for _base, _process, log in servers:
            log.write_text("")
        load_before = os.getloadavg()
        timings, statuses, elapsed = read_load(bases, setup, args.connections, args.seconds, args.requests)
        load_after = os.getloadavg()
        server = server_times([log for _base, _process, log in servers], kind_of)
        edits = None
        if args.edits:
            stop = threading.Event()
            background = threading.Thread(target=read_load, args=(bases, setup, 2, 600, 10**6, stop, 7), daemon=True)
            background.start()
            edits = edit_concurrently(bases, setup, args.editors, args.edits)
            stop.set()
            background.join()
            lost = lost_edits(bases[0], edits)
    finally:
        stop_servers(servers)

    engine = engine_name(env)
    cache = args.cache.split("://")[0] if args.cache else "file"
    total = sum(len(values) for values in timings.values())
    print(
        f"\n{args.servers} server(s) × {args.workers} gunicorn workers, {engine}, {args.backend} search, "
        f"{cache} cache, {args.connections} connections"
    )
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (other processes share the machine)")
    print(f"reads: {total} in {elapsed:.1f} s = {total / elapsed:.0f} req/s")
    print(f"  all        {describe([v for values in timings.values() for v in values])}")
    for kind, _weight in MIX:
        if timings[kind]:
            print(f"  {kind:10} {describe(timings[kind])}")
    failed = {status: count for status, count in statuses.items() if status != 200}
    print(f"  errors: {sum(failed.values())}" + (f" {failed}" if failed else ""))
    for kind, _weight in MIX:
        if server[kind]:
            print(
                f"  server time, {kind:10} p50 {statistics.median(server[kind]):.1f} ms, "
                f"p95 {percentile(server[kind], 95):.1f} ms"
            )
    if edits is not None:
        print(f"edits: {args.editors} editors × {args.edits} saves through {len(bases)} server(s)")
        for line in edits.report():
            print(f"  {line}")
        print(
            f"  errors: {len(edits.errors)}, 409s: {edits.conflicts}, lost edits: {len(lost)}"
            + (f", e.g. {lost[0]}" if lost else "")
        )
    print(f"(scratch data dir, logs: {scratch})")


if __name__ == "__main__":
    main()
