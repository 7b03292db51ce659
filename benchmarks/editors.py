"""Concurrent editors on gunicorn: how long an API save takes, and how long until the edit is searchable.

    .venv/bin/python benchmarks/editors.py                                # SQLite + Whoosh, 8 editors
    DATABASE_URL=postgres://…/rb_x .venv/bin/python benchmarks/editors.py                      # PostgreSQL + Whoosh
    DATABASE_URL=postgres://…/rb_x .venv/bin/python benchmarks/editors.py --backend postgres   # PostgreSQL search

Prepares a scratch site (benchmarks/serving.py: a scratch data dir, and a scratch SQLite database unless
DATABASE_URL is set, which is then migrated and loaded in place; the corpus; the index), serves it with
gunicorn (config/gunicorn.py, --workers processes) on 127.0.0.1:--port, then has --editors threads each
PATCH --edits provisions of their own through /api/ with a consultant's token, each edit adding a word of
its own, and wait until /api/search/ finds it. Prints the save latency (p50/p95), the time from each
acknowledged save until its word is found (p50/p95/max), errors, 409s, lost edits, the servers' CPU time
a save and the machine's load average (other processes share it). Only 127.0.0.1 is contacted; the edits
are bounded in count and by --seconds, and an edit not found within 30 s counts as never found.
"""

import argparse
import os
import statistics
import sys
import threading
import time
import urllib.error
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.serving import (  # noqa: E402
    cpu_seconds,
    engine_name,
    prepare,
    request,
    scratch_site,
    server_times,
    start_servers,
    stop_servers,
)

SEARCHABLE_WITHIN = 2.0  # the goal: seconds from an acknowledged save until it is found
POLL_SECONDS = 0.1  # how often an editor searches for its word; harder would take the server from the writer


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


@dataclass
class EditResults:
    saves: list[float] = field(default_factory=list)  # milliseconds from request to acknowledgement
    until_found: list[float] = field(default_factory=list)  # seconds from acknowledgement to found everywhere
    missed: list[str] = field(default_factory=list)  # acknowledged words never found
    errors: list[str] = field(default_factory=list)  # saves answered with an error other than 409
    conflicts: int = 0  # saves answered 409 (a stale revision)
    acknowledged: dict[str, list[str]] = field(default_factory=dict)  # provision URL → its acknowledged words

    def report(self, log=None) -> list[str]:
        lines = []
        if self.errors:
            lines.append(f"{len(self.errors)} saves refused, e.g. {self.errors[0]}" + (f" (log: {log})" if log else ""))
        if self.saves:
            lines.append(f"save: p50 {statistics.median(self.saves):.0f} ms, p95 {percentile(self.saves, 95):.0f} ms")
        if self.until_found:
            found = self.until_found
            late = sum(seconds > SEARCHABLE_WITHIN for seconds in found)
            lines.append(
                f"searchable within: p50 {statistics.median(found) * 1000:.0f} ms, "
                f"p95 {percentile(found, 95) * 1000:.0f} ms, max {max(found) * 1000:.0f} ms "
                f"({late} later than {SEARCHABLE_WITHIN:.0f} s, {len(self.missed)} never)"
            )
        return lines


def finds(base, word) -> bool:
    try:
        return bool(request(f"{base}/api/search/?q={word}")["total"])
    except (urllib.error.URLError, ConnectionError):
        return False  # counted as not yet found; a search that never answers ends as "never"


def edit_concurrently(bases, setup, editors, edits, give_up_after=30.0, seconds=600.0) -> EditResults:
    """`editors` threads each PATCH `edits` provisions of their own, each edit adding a word of its own,
    through the servers at `bases` in turn; an edit counts as searchable once /api/search/ of every server
    finds its word. No edit starts after `seconds`."""
    results = EditResults()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def editor(number):
        mine = setup["provisions"][number::editors][:edits]
        for edit, (slug, eid) in enumerate(mine):
            if time.monotonic() > deadline:
                return
            word = f"zyzzyva{number}x{edit}q"
            base = bases[(number + edit) % len(bases)]
            url = f"{base}/api/documents/{slug}/provisions/{eid}/"
            try:
                current = request(url, token=setup["token"])
                started = time.perf_counter()
                request(url, "PATCH", {"text": f"{current['text']} {word}"}, token=setup["token"])
                acknowledged = time.perf_counter()
            except urllib.error.HTTPError as error:
                with lock:
                    if error.code == 409:
                        results.conflicts += 1
                    else:
                        results.errors.append(f"{url}: {error.code} {error.read()[:200]!r}")
                continue
            with lock:
                results.acknowledged.setdefault(f"/api/documents/{slug}/provisions/{eid}/", []).append(word)
            waiting_for = set(bases)
            found = None
            while waiting_for:
                waiting_for = {b for b in waiting_for if not finds(b, word)}
                if not waiting_for:
                    found = time.perf_counter()
                elif time.perf_counter() - acknowledged > give_up_after:
                    break
                else:
                    time.sleep(POLL_SECONDS)
            with lock:
                results.saves.append((acknowledged - started) * 1000)
                if found is None:
                    results.missed.append(word)
                else:
                    results.until_found.append(found - acknowledged)

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def lost_edits(base, results: EditResults) -> list[str]:
    """The acknowledged words that the provisions' texts no longer hold (a save that overwrote another)."""
    lost = []
    for path, words in results.acknowledged.items():
        text = request(f"{base}{path}")["text"]
        lost += [f"{path}: {word}" for word in words if word not in text]
    return lost


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=8)
    parser.add_argument("--edits", type=int, default=15, help="saves per editor")
    parser.add_argument("--seconds", type=float, default=300, help="no edit starts after this")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=8641, help="the server's port (127.0.0.1)")
    parser.add_argument("--backend", choices=["whoosh", "postgres"], default="whoosh")
    args = parser.parse_args()

    scratch, env = scratch_site("editors-bench-", args.backend)
    print(f"Preparing {scratch} …", flush=True)
    setup = prepare(env)
    servers = start_servers(env, 1, args.workers, args.port, scratch)
    base = servers[0][0]
    try:
        request(f"{base}/api/search/?q=battery")  # the first search opens the index
        load_before, cpu_before = os.getloadavg(), cpu_seconds(servers)
        results = edit_concurrently([base], setup, args.editors, args.edits, seconds=args.seconds)
        load_after, cpu = os.getloadavg(), cpu_seconds(servers) - cpu_before
        lost = lost_edits(base, results)
    finally:
        stop_servers(servers)
    print(
        f"{args.editors} editors × {args.edits} saves, {engine_name(env)}, {args.backend} search, "
        f"gunicorn {args.workers} workers"
    )
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (other processes share the machine)")
    for line in results.report(scratch / f"server-{args.port}.log"):
        print(line)
    saves = server_times([servers[0][2]], lambda path: "save" if path.startswith("/api/documents/") else None, "PATCH")
    if saves["save"]:
        print(
            f"server time of a save (gunicorn's access log): p50 {statistics.median(saves['save']):.0f} ms, "
            f"p95 {percentile(saves['save'], 95):.0f} ms"
        )
    print(f"errors: {len(results.errors)}, 409s: {results.conflicts}, lost edits: {len(lost)}")
    if results.saves:
        print(
            f"server CPU while editing: {cpu:.1f} s, {cpu / len(results.saves) * 1000:.0f} ms a save "
            "(with its reads, searches and index work)"
        )
    print(f"(scratch data dir, logs: {scratch})")


if __name__ == "__main__":
    main()
