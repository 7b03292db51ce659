"""gunicorn's settings for `make run` and `make serve` (gunicorn -c config/gunicorn.py config.wsgi).

HOST, PORT and WEB_CONCURRENCY (the number of worker processes) come from the environment; any other
gunicorn option can be given in GUNICORN_CMD_ARGS.
"""

import multiprocessing
import os

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
