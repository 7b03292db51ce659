"""What the load and editor benchmarks share: a scratch site (data dir, database, corpus, index) and
gunicorn servers on 127.0.0.1 serving it (config/gunicorn.py, as `make run` does)."""

import collections
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(D)s"  # method, path, status, microseconds


def request(url, method="GET", body=None, token=None):
    headers = {"Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Token {token}"
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method, headers=headers)) as answer:
        return json.loads(answer.read())


def scratch_site(prefix: str, backend: str, cache: str = "") -> tuple[Path, dict]:
    """A new scratch data dir and the environment that serves it: a scratch SQLite database in it unless
    DATABASE_URL is set (that database is then migrated and loaded in place), index updates in the
    background as in production, no anonymous limit that the benchmark itself would hit."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    env = {**os.environ, "RULEBOOK_DATA_DIR": str(scratch), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    env.update(SEARCH_BACKEND=backend, SEARCH_UPDATES="background", API_ANON_RATE="1000000/minute")
    env.update(ALLOWED_HOSTS="127.0.0.1,localhost", CACHE_URL=cache)
    return scratch, env


def engine_name(env) -> str:
    return "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"


def prepare(env):
    """Migrate, load, index, and make a consultant with a token; returns the token and the provisions."""
    script = """
import django; django.setup()
import collections
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


def start_servers(env, count, workers, first_port, scratch):
    """`count` gunicorn servers of `workers` processes on 127.0.0.1 from `first_port`, each answering
    /healthz (at most a minute each); returns (base URL, process, access log) for each."""
    servers = []
    for number in range(count):
        port = first_port + number
        log = scratch / f"access-{port}.log"
        server_env = {
            **env,
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_ACCESS_LOG": str(log),
            "GUNICORN_CMD_ARGS": f"--access-logformat '{ACCESS_FORMAT}'",
            "LOG_LEVEL": "ERROR",
        }
        errors = (scratch / f"server-{port}.log").open("w")
        command = [str(Path(sys.executable).parent / "gunicorn"), "--config", "config/gunicorn.py", "config.wsgi"]
        process = subprocess.Popen(command, env=server_env, cwd=ROOT, stdout=errors, stderr=errors)
        servers.append((f"http://127.0.0.1:{port}", process, log))
    try:
        for base, process, _log in servers:
            deadline = time.monotonic() + 60
            while True:
                try:
                    request(f"{base}/healthz")
                    break
                except urllib.error.HTTPError as error:
                    raise SystemExit(f"{base}/healthz answered {error.code}: {error.read()[:300]!r}") from None
                except (urllib.error.URLError, ConnectionError):
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(f"the server at {base} did not start (see {scratch}/server-*.log)") from None
                    time.sleep(0.3)
    except BaseException:
        stop_servers(servers)
        raise
    return servers


def stop_servers(servers) -> None:
    for _base, process, _log in servers:
        process.terminate()
    for _base, process, _log in servers:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def server_times(logs, kind_of, method="GET"):
    """Server-side milliseconds per request kind of the answers 200 to `method`, from gunicorn's access logs."""
    times = collections.defaultdict(list)
    for log in logs:
        for line in log.read_text().splitlines():
            parts = line.split()
            if len(parts) == 4 and parts[0] == method and parts[2] == "200":
                kind = kind_of(parts[1])
                if kind:
                    times[kind].append(int(parts[3]) / 1000)
    return times


def cpu_seconds(servers) -> float:
    """CPU time the servers' processes (gunicorn's arbiter and its workers, from /proc) have used so far:
    a figure that, unlike latencies, other processes on the machine change little."""
    ticks = os.sysconf("SC_CLK_TCK")
    roots = {process.pid for _base, process, _log in servers}
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended meanwhile
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid in roots or ppid in roots:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks
