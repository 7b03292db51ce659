"""Search benchmark on a synthetic corpus: Whoosh beside PostgreSQL full-text search, in one run.

    .venv/bin/python benchmarks/search.py --n 50000        # Whoosh, and PostgreSQL if DATABASE_URL is one
    .venv/bin/python benchmarks/search.py --n 50000 --compare-postgres postgres://postgres@127.0.0.1/scratch
    .venv/bin/python benchmarks/search.py --backend whoosh  # Whoosh only (10,000 provisions)

Each backend runs in a worker process of its own (Django settings are per process) on the same
generated corpus. Whoosh: a scratch SQLite database (schema only: the catalog and ranking settings
are read from it) and a scratch index. PostgreSQL: migrates the database of ``--compare-postgres``
(by default DATABASE_URL when it is a PostgreSQL one) and *replaces its search entries*
(``rebuild_index`` puts the real ones back); when there is none, or it cannot be reached, the run
says so and measures Whoosh only.

The builds run one after the other; then the queries go to the backends in turn (each query to one
backend and then the other, the order alternating), so that whatever else loads the machine loads
both alike. Printed: the machine's load average, build time and index size; p50/p95 latency per query
kind for cold queries (no result cache, every facet counted) through the search backend and through
/api/search/, each backend's figures beside the other's with the ratio Whoosh / PostgreSQL (below 1:
Whoosh is faster); for Whoosh also straight on its searcher (same queries, plain BM25F top 10, no
facets, phrases as word ANDs); and live-update latency.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PATHS = ("backend", "api")
LIVE_UPDATES = 20


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def record(doc, i):
    from search.records import with_digest

    return with_digest(
        {
            "key": f"provision:{i + 1}",
            "kind": "provision",
            "num": f"Article {doc['article']}",
            "heading": doc["title"],
            "glossary": "",
            "title": doc["document"],
            "body": doc["body"],
            "meta": f"{doc['industry']} {doc['dtype']} {doc['year']}",
            "facets": {
                "kind": ["provision"],
                "industry": [doc["industry"]],
                "document": [doc["dtype"]],
                "topic": [],
                "status": ["in_force"],
                "jurisdiction": ["CN"],
                "year": [str(doc["year"])],
            },
            "data": {
                "title": doc["title"],
                "title_zh": "",
                "document": doc["document"],
                "document_slug": "",
                "num": f"Art. {doc['article']}",
                "eid": "",
                "text": doc["body"],
            },
        }
    )


def query_args(q):
    """Query text and filters; every query counts all facets, as /api/search/ does."""
    terms = q["terms"]
    if q["kind"] == "phrase":
        return '"' + " ".join(terms) + '"', {}
    if q["kind"] == "filter_facet":
        return " ".join(terms), {"industry": [q["industry"]]}
    return " ".join(terms), {}


# -- the worker: one backend in its own process, driven by JSON lines on stdin/stdout ----------------


def index_size(backend_name: str, scratch: Path) -> int:
    if backend_name == "postgres":
        from django.db import connection

        from search.backends.postgres.schema import TABLES

        with connection.cursor() as cursor:
            cursor.execute("SELECT sum(pg_total_relation_size(name)) FROM unnest(%s::text[]) AS name", [list(TABLES)])
            return int(cursor.fetchone()[0])
    return sum(f.stat().st_size for f in (scratch / "index").rglob("*") if f.is_file())


def whoosh_search(backend):
    """The same query straight on Whoosh's searcher (plain BM25F top 10, highlighted, no facets; a
    phrase as the AND of its words: the index keeps word pairs for phrases, which Whoosh cannot query)."""
    from whoosh import query as wq
    from whoosh.qparser import QueryParser

    from search.backends.whoosh.schema import MATCH_FIELD

    searcher = backend.folder.open().searcher
    raw_parser = QueryParser(MATCH_FIELD, backend.folder.open().index.schema)

    def run(text, filters):
        parsed = raw_parser.parse(text.replace('"', ""))
        flt = wq.Term("industry", filters["industry"][0]) if filters else None
        for hit in searcher.search(parsed, limit=10, filter=flt):
            hit.highlights(MATCH_FIELD, text=hit["data"]["text"])

    return run


def progress_line(label):
    """A progress callback that rewrites one line at most once a second, and ends it when done."""
    started = time.perf_counter()
    shown = {"at": 0.0, "done": None}

    def show(done, total):
        now = time.perf_counter()
        if done == shown["done"] or (done < total and now - shown["at"] < 1):
            return
        shown.update(at=now, done=done)
        end = "\n" if done >= total else ""
        print(f"\r  {label}: {done}/{total} ({now - started:.0f} s)", end=end, file=sys.stderr, flush=True)

    return show


def run_worker(backend_name: str, n: int, database_url: str | None) -> None:
    """Build the index of ``n`` generated provisions, then answer the parent's commands."""
    protocol = sys.stdout
    sys.stdout = sys.stderr  # anything else printed must not mix with the protocol's lines
    scratch = Path(tempfile.mkdtemp(prefix="search-bench-"))
    os.environ["RULEBOOK_DATA_DIR"] = str(scratch)
    os.environ["SEARCH_BACKEND"] = backend_name
    if backend_name == "postgres":
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
        os.environ["SEARCH_INDEX_DIR"] = str(scratch / "index")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # no static files are collected here
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from benchmarks.synthetic_corpus import generate
    from search.backends import get_backend
    from search.service import search

    call_command("migrate", verbosity=0)
    backend = get_backend()
    show = progress_line(f"{backend_name}: generating records")
    records = []
    for i, doc in enumerate(generate(n)):
        records.append(record(doc, i))
        if len(records) % 5000 == 0 or len(records) == n:
            show(len(records), n)

    started = time.perf_counter()
    backend.rebuild(iter(records), len(records), progress_line(f"{backend_name}: indexing"))
    build = time.perf_counter() - started
    search("warm up", backend=backend)
    client = Client()
    raw_whoosh = whoosh_search(backend) if backend_name == "whoosh" else None

    def reply(message):
        protocol.write(json.dumps(message) + "\n")
        protocol.flush()

    reply({"build": build, "size": index_size(backend_name, scratch)})
    for line in sys.stdin:
        command = json.loads(line)
        if command["op"] == "query":
            text, filters = command["text"], command["filters"]
            timings = {}
            t = time.perf_counter()
            search(text, filters=filters, backend=backend)
            timings["backend"] = (time.perf_counter() - t) * 1000
            params = {"q": text, **{k: v[0] for k, v in filters.items()}}
            t = time.perf_counter()
            response = client.get("/api/search/", params)
            timings["api"] = (time.perf_counter() - t) * 1000
            assert response.status_code == 200, response.content
            if raw_whoosh is not None:
                t = time.perf_counter()
                raw_whoosh(text, filters)
                timings["whoosh"] = (time.perf_counter() - t) * 1000
            reply(timings)
        elif command["op"] == "updates":
            updates = []
            for i in range(LIVE_UPDATES):
                changed = dict(records[i])
                changed["body"] = changed["body"] + f" zyzzyva{i}"
                t = time.perf_counter()
                backend.refresh({changed["key"]}, lambda keys, changed=changed: [changed])
                found = search(f"zyzzyva{i}", backend=backend).total
                updates.append((time.perf_counter() - t) * 1000)
                assert found == 1
            reply(updates)
        else:
            return


# -- the parent: starts the workers, sends them the queries in turn, prints the figures side by side --


class Worker:
    def __init__(self, backend_name: str, n: int, database_url: str | None = None):
        self.name = backend_name
        command = [sys.executable, __file__, "--worker", backend_name, "--n", str(n)]
        if database_url:
            command += ["--compare-postgres", database_url]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.timings: dict[str, dict[str, list[float]]] = {}

    def receive(self):
        line = self.process.stdout.readline()
        if not line:
            sys.exit(f"the {self.name} worker stopped (exit status {self.process.wait()})")
        return json.loads(line)

    def send(self, **command):
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return self.receive()

    def query(self, kind, text, filters):
        for path, ms in self.send(op="query", text=text, filters=filters).items():
            self.timings.setdefault(path, {}).setdefault(kind, []).append(ms)

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def reachable_postgres(args) -> str | None:
    url = args.compare_postgres or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("No PostgreSQL to compare with (give --compare-postgres URL or DATABASE_URL): Whoosh only.")
        return None
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.Error as error:
        print(f"PostgreSQL at {url} cannot be reached ({str(error).strip()}): Whoosh only.")
        return None
    return url


def load_average() -> str:
    return "load average " + " ".join(f"{load:.2f}" for load in os.getloadavg())


def figures(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), percentile(values, 95)


def print_table(path: str, workers: list[Worker]) -> None:
    kinds = list(workers[0].timings[path])
    header = f"{path:8} {'kind':13}" + "".join(f" {worker.name + ' p50':>14} {'p95':>7}" for worker in workers)
    if len(workers) == 2:
        header += f" {'ratio p50':>10} {'p95':>6}"
    print(header)
    for kind in [*kinds, "ALL"]:
        row = f"{path:8} {kind:13}"
        pairs = []
        for worker in workers:
            per_kind = worker.timings[path]
            values = [v for vs in per_kind.values() for v in vs] if kind == "ALL" else per_kind[kind]
            pairs.append(figures(values))
            row += f" {pairs[-1][0]:14.1f} {pairs[-1][1]:7.1f}"
        if len(pairs) == 2:
            (p50, p95), (other_p50, other_p95) = pairs
            row += f" {p50 / other_p50:10.2f} {p95 / other_p95:6.2f}"
        print(row)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3, help="passes over the query set")
    parser.add_argument(
        "--backend", choices=["both", "whoosh", "postgres"], default="both", help="both: Whoosh beside PostgreSQL"
    )
    parser.add_argument(
        "--compare-postgres",
        metavar="URL",
        help="the PostgreSQL database whose search entries are replaced (default: DATABASE_URL if PostgreSQL)",
    )
    parser.add_argument("--worker", choices=["whoosh", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args.worker, args.n, args.compare_postgres)
        return

    from benchmarks.synthetic_corpus import QUERIES

    print(f"{args.n} provisions, {args.runs} passes over {len(QUERIES)} queries; at the start {load_average()}")
    names = ["whoosh", "postgres"] if args.backend == "both" else [args.backend]
    postgres_url = reachable_postgres(args) if "postgres" in names else None
    if postgres_url is None:
        if args.backend == "postgres":
            sys.exit("--backend postgres needs a reachable PostgreSQL database.")
        names = ["whoosh"]
    workers = []
    for name in names:
        workers.append(Worker(name, args.n, postgres_url if name == "postgres" else None))
        built = workers[-1].receive()  # one build at a time: each takes both cores
        print(f"{name:8} build {built['build']:6.1f} s, index {built['size'] / 1e6:6.1f} MB")

    print(f"querying; {load_average()}")
    for run in range(args.runs):
        for number, q in enumerate(QUERIES):
            text, filters = query_args(q)
            turn = workers if (run * len(QUERIES) + number) % 2 == 0 else workers[::-1]
            for worker in turn:
                worker.query(q["kind"], text, filters)
    print(f"queries done; {load_average()}")

    for path in PATHS:
        print_table(path, workers)
    whoosh = next((worker for worker in workers if worker.name == "whoosh"), None)
    if whoosh is not None:
        print("Whoosh straight on its searcher (plain BM25F top 10, no facets, phrases as word ANDs):")
        print_table("whoosh", [whoosh])
    for worker in workers:
        medians = [statistics.median([v for vs in worker.timings[path].values() for v in vs]) for path in PATHS]
        print(f"{worker.name:8} API / backend (medians): {medians[1] / medians[0]:.2f}")
    for worker in workers:
        p50, p95 = figures(worker.send(op="updates"))
        print(f"{worker.name:8} live update until searchable: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        worker.close()
    print(f"done; {load_average()}")


if __name__ == "__main__":
    main()
