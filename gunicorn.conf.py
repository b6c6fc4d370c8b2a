"""Gunicorn for NKDB on a small machine (2 cores), PostgreSQL on the same host.

At the top level because Gunicorn reads ./gunicorn.conf.py by itself: from the
checkout, `gunicorn nkdb.wsgi` is enough. Every value can be overridden by the
environment (below) or on the command line.

    SECRET_KEY=... ALLOWED_HOSTS=... IDENTITY_KEYS=... OTP_KEYS=... BACKUP_KEY=... \\
        .venv/bin/gunicorn nkdb.wsgi

Measured with bench/load.py (docs/load.md): on 2 cores, sync workers and gthread
served cached statistics about as fast (within the noise of a shared machine),
but with slow searches in the mix three sync workers were all held by them and
everything else waited; 3 processes of 4 threads (gthread) kept the rest moving
(median latency of the mixed run 9.8 s against 21 s). Requests mostly wait on
PostgreSQL, so a few threads per process use both cores without the memory of
more processes, and keep-alive connections hold no worker.
"""

import multiprocessing
import os

# GUNICORN_BIND, or loopback on PORT (8000): a TLS proxy that sets
# X-Forwarded-Proto goes in front.
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"

# WEB_CONCURRENCY is the usual name for the number of processes.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() + 1)  # 3 on 2 cores
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# Load Django once in the master, before forking: faster start, shared memory,
# and a broken configuration stops the master instead of looping workers.
# Database connections are opened per worker, after the fork.
preload_app = True

# A search at 1,000,000 violations can take seconds; past this a worker is
# stuck and gets replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5

# Restart each process now and then (memory held by Python's allocator and the
# in-process caches); the jitter keeps them from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10

# The access log is off by default (the proxy keeps one); GUNICORN_ACCESS_LOG=-
# writes it to standard output. Errors go to standard error.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
