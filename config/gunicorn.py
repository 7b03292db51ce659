"""gunicorn's settings for `make run` and `make serve` (gunicorn -c config/gunicorn.py config.wsgi).

HOST, PORT and WEB_CONCURRENCY (the number of worker processes) come from the environment; any other
gunicorn option can be given in GUNICORN_CMD_ARGS.
"""

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

bind = f"{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"
# Pages are rendered in Python, so one worker a core keeps the cores busy and one more covers a worker
# waiting on the database; more only adds memory (each holds its own search index readers).
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() + 1)
# A page that takes longer than this is a fault to see in the log, not something to wait for.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# No runtime control socket: nothing here uses it, and two servers on one machine would share its path.
control_socket_disable = True


def when_ready(server):
    """Say at start-up whether the database, search index and cache answer (`manage.py check_services`). A
    server that cannot reach them still starts and answers 503 with the reason, so it recovers by itself."""
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, str(root / "manage.py"), "check_services"], cwd=root, capture_output=True, text=True
    )
    for line in (result.stdout + result.stderr).splitlines():
        (server.log.info if line.endswith(": ok") else server.log.error)(line)


def post_worker_init(worker):
    """Each worker starts its search-index writer (search.outbox) with it, so that updates a stopped worker
    left pending are applied at once, not after the next save or search of this one."""
    from search import outbox

    outbox.ensure_drainer()
