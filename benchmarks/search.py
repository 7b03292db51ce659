"""Search benchmark on a synthetic corpus.

    .venv/bin/python benchmarks/search.py            # 10,000 provisions
    .venv/bin/python benchmarks/search.py --n 50000
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/search.py --backend postgres --n 200000

Whoosh: builds a scratch SQLite database (schema only: the catalog and ranking settings read from it)
and a scratch index. PostgreSQL: migrates the database of DATABASE_URL and *replaces its search
entries* (rebuild_index puts the real ones back). Either way it indexes N generated provisions, then
prints build time, index size, and p50/p95 latency per query type for cold queries (no result cache,
every facet counted) through the search backend, through /api/search/, and for Whoosh straight on its
searcher (same queries, plain BM25F top 10, no facets), plus live-update latency.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


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


def index_size(backend_name: str, scratch: Path) -> int:
    if backend_name == "postgres":
        from django.db import connection

        from search.backends.postgres.schema import ENTRY_TABLE, WORD_TABLE

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size(%s) + pg_total_relation_size(%s)", [ENTRY_TABLE, WORD_TABLE])
            return cursor.fetchone()[0]
    return sum(f.stat().st_size for f in (scratch / "index").rglob("*") if f.is_file())


def whoosh_search(backend):
    """The same query straight on Whoosh's searcher (plain BM25F top 10, highlighted, no facets)."""
    from whoosh import query as wq
    from whoosh.qparser import QueryParser

    from search.backends.whoosh.schema import POSITIONS_FIELD

    searcher = backend.folder.open().searcher
    raw_parser = QueryParser(POSITIONS_FIELD, backend.folder.open().index.schema)

    def run(text, filters):
        parsed = raw_parser.parse(text)
        flt = wq.Term("industry", filters["industry"][0]) if filters else None
        for hit in searcher.search(parsed, limit=10, filter=flt):
            hit.highlights(POSITIONS_FIELD, text=hit["data"]["text"])

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3, help="passes over the query set")
    parser.add_argument("--backend", choices=["whoosh", "postgres"], default="whoosh")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="search-bench-"))
    os.environ["RULEBOOK_DATA_DIR"] = str(scratch)
    os.environ["SEARCH_BACKEND"] = args.backend
    if args.backend == "postgres":
        if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
            sys.exit("--backend postgres needs DATABASE_URL=postgres://… (its search entries are replaced).")
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
        os.environ["SEARCH_INDEX_DIR"] = str(scratch / "index")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from benchmarks.synthetic_corpus import QUERIES, generate
    from search.backends import get_backend
    from search.service import search

    call_command("migrate", verbosity=0)
    backend = get_backend()
    records = [record(doc, i) for i, doc in enumerate(generate(args.n))]

    started = time.perf_counter()
    backend.rebuild(iter(records), len(records))
    build = time.perf_counter() - started
    print(
        f"{args.n} provisions ({args.backend}): build {build:.1f} s, "
        f"index {index_size(args.backend, scratch) / 1e6:.1f} MB"
    )

    search("warm up", backend=backend)
    client = Client()
    timings = {"backend": {}, "api": {}}
    raw_whoosh = whoosh_search(backend) if args.backend == "whoosh" else None
    for _ in range(args.runs):
        for q in QUERIES:
            text, filters = query_args(q)
            t = time.perf_counter()
            search(text, filters=filters, backend=backend)
            timings["backend"].setdefault(q["kind"], []).append((time.perf_counter() - t) * 1000)
            params = {"q": text, **{k: v[0] for k, v in filters.items()}}
            t = time.perf_counter()
            response = client.get("/api/search/", params)
            timings["api"].setdefault(q["kind"], []).append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.content
            if raw_whoosh is not None:
                t = time.perf_counter()
                raw_whoosh(text, filters)
                timings.setdefault("whoosh", {}).setdefault(q["kind"], []).append((time.perf_counter() - t) * 1000)

    print(f"{'':10} {'kind':14} {'p50 ms':>8} {'p95 ms':>8}")
    for path, per_kind in timings.items():
        every = [v for values in per_kind.values() for v in values]
        for kind, values in per_kind.items():
            print(f"{path:10} {kind:14} {statistics.median(values):8.1f} {percentile(values, 95):8.1f}")
        print(f"{path:10} {'ALL':14} {statistics.median(every):8.1f} {percentile(every, 95):8.1f}")
    ratio = statistics.median([v for vs in timings["api"].values() for v in vs]) / statistics.median(
        [v for vs in timings["backend"].values() for v in vs]
    )
    print(f"API / backend (medians): {ratio:.2f}")

    updates = []
    for i in range(20):
        changed = dict(records[i])
        changed["body"] = changed["body"] + f" zyzzyva{i}"
        t = time.perf_counter()
        backend.refresh({changed["key"]}, lambda keys, changed=changed: [changed])
        found = search(f"zyzzyva{i}", backend=backend).total
        updates.append((time.perf_counter() - t) * 1000)
        assert found == 1
    p50, p95 = statistics.median(updates), percentile(updates, 95)
    print(f"live update until searchable: p50 {p50:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
