"""Relevance on our graded judgments (search/relevance/judgments.yaml), per backend.

    .venv/bin/python benchmarks/relevance.py                      # Whoosh, and PostgreSQL if DATABASE_URL is one
    .venv/bin/python benchmarks/relevance.py --backend whoosh -v  # -v lists the queries whose first hit is wrong
    .venv/bin/python benchmarks/relevance.py --boost heading=5 --boost body=0.8   # try ranking settings

Whoosh: a scratch SQLite database with the corpus of fixtures/ loaded and a scratch index. PostgreSQL:
migrates the database of DATABASE_URL, loads the corpus into it and *rebuilds its search entries*.
Prints nDCG@10, success@1 and success@3 over every query and per kind of query.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def run_backend(name: str, verbose: bool, boosts: list[str]) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="rulebook-relevance-"))
    os.environ["RULEBOOK_DATA_DIR"] = str(scratch)
    os.environ["SEARCH_BACKEND"] = name
    os.environ["SEARCH_UPDATES"] = "immediate"
    if name == "whoosh":
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'relevance.sqlite3'}"
        os.environ["SEARCH_INDEX_DIR"] = str(scratch / "index")
    elif not _is_postgres(os.environ.get("DATABASE_URL", "")):
        sys.exit("--backend postgres needs DATABASE_URL=postgres://…")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from regulations.corpus.loader import load_corpus
    from search.backends import get_backend
    from search.fields import TEXT_FIELDS
    from search.indexing import rebuild_index
    from search.models import RankingSettings
    from search.relevance import evaluate

    call_command("migrate", verbosity=0)
    load_corpus(settings.CORPUS_DIR)
    backend = get_backend()
    rebuild_index(backend)
    ranking = RankingSettings.objects.filter(pk=1).first() or RankingSettings()
    for setting in boosts:
        field, _, value = setting.partition("=")
        if field not in TEXT_FIELDS:
            sys.exit(f"--boost {setting}: the fields are {', '.join(TEXT_FIELDS)}")
        setattr(ranking, f"boost_{field}", float(value))
    ranking.save()
    report = evaluate(backend)
    print(
        f"{name:8}  queries {len(report.scores):3}  nDCG@10 {report.ndcg:.3f}  "
        f"success@1 {report.success_at_1:.3f}  success@3 {report.success_at_3:.3f}"
    )
    for kind, part in sorted(report.by_kind().items()):
        print(
            f"  {kind:12} {len(part.scores):3}  nDCG@10 {part.ndcg:.3f}  "
            f"success@1 {part.success_at_1:.3f}  success@3 {part.success_at_3:.3f}"
        )
    if verbose:
        for score in report.failures():
            print(f"  ✗ {score.judgment.query!r} nDCG {score.ndcg:.2f}: {score.ranked[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["whoosh", "postgres"], help="one backend (default: each present)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the queries whose first hit is wrong")
    parser.add_argument("--boost", action="append", default=[], metavar="FIELD=VALUE", help="a field boost to try")
    args = parser.parse_args()
    if args.backend:
        run_backend(args.backend, args.verbose, args.boost)
        return
    backends = ["whoosh"] + (["postgres"] if _is_postgres(os.environ.get("DATABASE_URL", "")) else [])
    for name in backends:  # one process each: a backend is chosen when Django's settings are read
        command = [sys.executable, __file__, "--backend", name] + (["-v"] if args.verbose else [])
        command += [f"--boost={setting}" for setting in args.boost]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
