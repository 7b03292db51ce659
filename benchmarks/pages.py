"""Time server-side rendering of the heaviest browse pages.

Run as `.venv/bin/python benchmarks/pages.py [runs]`. Sets up Django against a scratch SQLite
database in a temporary folder, migrates, loads fixtures/, then renders the whole-plan document
page and one provision page with the Django test client: a few warm-up requests, then N timed
runs (default 50), printing median and 95th percentile in milliseconds.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ("whole-plan document page", "/documents/industrial-carbon-peaking-2022/"),
    ("provision page", "/documents/industrial-carbon-peaking-2022/part_2__sec_7__item_2/"),
]
WARM_UP = 5


def setup(data_dir: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["RULEBOOK_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)  # always the scratch SQLite database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from regulations.corpus.loader import load_corpus

    print(f"Scratch database in {data_dir}", flush=True)
    print("Migrating…", flush=True)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages link hashed static files
    print("Loading fixtures/…", flush=True)
    report = load_corpus(settings.CORPUS_DIR)
    print(f"  {report.summary()}", flush=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def time_page(client, label: str, url: str, runs: int) -> tuple[float, float]:
    print(f"\n{label}: {url}", flush=True)
    for _ in range(WARM_UP):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"  {url} answered {response.status_code}")
    print(f"  warmed up ({WARM_UP} requests, {len(response.content) / 1024:.0f} KiB)", flush=True)
    timings, cpu = [], []
    for run in range(1, runs + 1):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if run % 10 == 0 or run == runs:
            print(f"  {run}/{runs} runs, median so far {statistics.median(timings):.1f} ms", flush=True)
    median, p95 = statistics.median(timings), percentile(timings, 0.95)
    print(
        f"  median {median:.1f} ms · p95 {p95:.1f} ms · min {min(timings):.1f} ms"
        f" · CPU median {statistics.median(cpu):.1f} ms",
        flush=True,
    )
    return median, p95


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    with tempfile.TemporaryDirectory(prefix="rulebook-bench-") as data_dir:
        setup(data_dir)
        from django.test import Client

        client = Client(HTTP_HOST="localhost")
        results = [(label, *time_page(client, label, url, runs)) for label, url in PAGES]
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"\nSummary (server-side rendering through the Django test client; load average {load:.2f}):")
        for label, median, p95 in results:
            print(f"  {label:28} median {median:7.1f} ms   p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main()
