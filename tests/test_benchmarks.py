"""The search benchmark runs end to end on a small corpus (its figures are for people to read; only its
working is tested here)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_search_benchmark_says_it_cannot_reach_postgresql_and_measures_whoosh_alone(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "SEARCH_BACKEND")}
    env["RULEBOOK_DATA_DIR"] = str(tmp_path)
    nowhere = "postgres://postgres@127.0.0.1:1/nowhere"  # no server listens on port 1
    result = subprocess.run(
        [sys.executable, "benchmarks/search.py", "--n", "300", "--runs", "1", "--compare-postgres", nowhere],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert f"PostgreSQL at {nowhere} cannot be reached" in result.stdout
    assert "whoosh   build" in result.stdout and "postgres build" not in result.stdout
    for kind in ("term", "and", "phrase", "filter_facet", "ALL"):
        assert f"backend  {kind}" in result.stdout and f"api      {kind}" in result.stdout
    assert "whoosh   live update until searchable" in result.stdout
    assert "indexing: 300/300" in result.stderr  # the progress line
