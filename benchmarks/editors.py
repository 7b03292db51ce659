"""Concurrent editors: how long an API save takes, and how long until the edit is searchable.

    .venv/bin/python benchmarks/editors.py                       # SQLite, Whoosh, 8 editors
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/editors.py [--backend postgres]

Sets up a scratch data dir (and, without DATABASE_URL, a scratch SQLite database; a PostgreSQL one is
migrated and loaded in place), loads the corpus, builds the index, serves it with `runserver` on
--port, then has --editors threads each PATCH --edits provisions of their own through /api/ with a
consultant's token, each edit adding a word of its own. Prints the save latency (p50/p95) and the time
from each acknowledged save until /api/search/ finds its word (p50/p95/max).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SEARCHABLE_WITHIN = 2.0  # the goal: seconds from an acknowledged save until it is found


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def request(url, method="GET", body=None, token=None):
    headers = {"Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Token {token}"
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method, headers=headers)) as answer:
        return json.loads(answer.read())


def prepare(env):
    """Migrate, load, index, and make a consultant with a token; returns the token and the provisions."""
    script = """
import django; django.setup()
import json
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from regulations.models import Provision
user, _ = User.objects.get_or_create(username="bench-editor")
user.groups.add(Group.objects.get(name="Consultant"))
token, _ = Token.objects.get_or_create(user=user)
provisions = [[p.document.slug, p.eid] for p in Provision.objects.select_related("document").order_by("pk")]
print(json.dumps({"token": token.key, "provisions": provisions}))
"""
    manage = [sys.executable, "manage.py"]
    for command in (
        ["migrate", "-v0"],
        ["load_regulations"],
        ["rebuild_index", "--no-progress"],
        ["collectstatic", "--no-input", "-v0"],
    ):
        subprocess.run(manage + command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True)
    return json.loads(out.stdout)


@dataclass
class EditResults:
    saves: list[float] = field(default_factory=list)  # milliseconds from request to acknowledgement
    until_found: list[float] = field(default_factory=list)  # seconds from acknowledgement to found everywhere
    missed: list[str] = field(default_factory=list)  # acknowledged words never found
    errors: list[str] = field(default_factory=list)  # saves answered with an error
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


def edit_concurrently(bases, setup, editors, edits, give_up_after=30.0) -> EditResults:
    """`editors` threads each PATCH `edits` provisions of their own, each edit adding a word of its own,
    through the servers at `bases` in turn; an edit counts as searchable once /api/search/ of every server
    finds its word."""
    results = EditResults()
    lock = threading.Lock()

    def editor(number):
        mine = setup["provisions"][number::editors][:edits]
        for edit, (slug, eid) in enumerate(mine):
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
                    time.sleep(0.1)  # polling harder would take the server from the writer it measures
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
    parser.add_argument("--port", type=int, default=8641)
    parser.add_argument("--backend", choices=["whoosh", "postgres"], default="whoosh")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="editors-bench-"))
    env = {**os.environ, "RULEBOOK_DATA_DIR": str(scratch), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    env["SEARCH_BACKEND"] = args.backend
    env["SEARCH_UPDATES"] = "background"
    env["API_ANON_RATE"] = "100000/minute"
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    setup = prepare(env)
    base = f"http://127.0.0.1:{args.port}"
    log = scratch / "server.log"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{args.port}", "--noreload"],
        env={**env, "LOG_LEVEL": "ERROR"},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        for _ in range(100):
            try:
                request(f"{base}/api/search/?q=battery")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        results = edit_concurrently([base], setup, args.editors, args.edits)
    finally:
        server.terminate()
        server.wait(timeout=30)
    engine = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(f"{args.editors} editors × {args.edits} saves, {engine}, {args.backend} search")
    for line in results.report(log):
        print(line)


if __name__ == "__main__":
    main()
