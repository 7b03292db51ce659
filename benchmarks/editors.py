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
    for command in (["migrate", "-v0"], ["load_regulations"], ["rebuild_index", "--no-progress"]):
        subprocess.run(manage + command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True)
    return json.loads(out.stdout)


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
        saves, until_found, missed, errors = [], [], [], []
        lock = threading.Lock()

        def editor(number):
            mine = setup["provisions"][number :: args.editors][: args.edits]
            for edit, (slug, eid) in enumerate(mine):
                word = f"zyzzyva{number}x{edit}q"
                url = f"{base}/api/documents/{slug}/provisions/{eid}/"
                try:
                    current = request(url, token=setup["token"])
                    started = time.perf_counter()
                    request(url, "PATCH", {"text": f"{current['text']} {word}"}, token=setup["token"])
                    acknowledged = time.perf_counter()
                except urllib.error.HTTPError as error:
                    with lock:
                        errors.append(f"{url}: {error.code} {error.read()[:200]!r}")
                    continue
                while True:
                    if request(f"{base}/api/search/?q={word}")["total"]:
                        found = time.perf_counter()
                        break
                    if time.perf_counter() - acknowledged > 30:
                        found = None
                        break
                    time.sleep(0.1)  # polling harder would take the server from the writer it measures
                with lock:
                    saves.append((acknowledged - started) * 1000)
                    if found is None:
                        missed.append(word)
                    else:
                        until_found.append(found - acknowledged)

        threads = [threading.Thread(target=editor, args=(n,)) for n in range(args.editors)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    engine = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(f"{args.editors} editors × {args.edits} saves, {engine}, {args.backend} search")
    if errors:
        print(f"{len(errors)} saves refused, e.g. {errors[0]} (server log: {log})")
    if saves:
        print(f"save: p50 {statistics.median(saves):.0f} ms, p95 {percentile(saves, 95):.0f} ms")
    if until_found:
        late = sum(seconds > SEARCHABLE_WITHIN for seconds in until_found)
        print(
            f"searchable after: p50 {statistics.median(until_found) * 1000:.0f} ms, "
            f"p95 {percentile(until_found, 95) * 1000:.0f} ms, max {max(until_found) * 1000:.0f} ms "
            f"({late} later than {SEARCHABLE_WITHIN:.0f} s, {len(missed)} never)"
        )


if __name__ == "__main__":
    main()
