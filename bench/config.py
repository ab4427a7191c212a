"""The benchmark's settings (BENCH_* from the environment), targets, and how it runs the site's own commands."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
BASE = BENCH.parent
DATA = BENCH / ".data"
PYTHON = sys.executable
DATASETTE = BENCH / ".venv" / "bin" / "datasette"


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


N = env_int("BENCH_N", 100_000)
SQLITE_N = env_int("BENCH_SQLITE_N", min(N, 100_000))  # the SQLite targets are set at 100,000
SEED = env_int("BENCH_SEED", 1)
REQUESTS = env_int("BENCH_REQUESTS", 200)
SQLITE_REQUESTS = env_int("BENCH_SQLITE_REQUESTS", 20)
# Datasette's table JSON takes seconds at 100,000 rows (it suggests facets on every column), so 200 of them take long.
VERSUS_REQUESTS = env_int("BENCH_VERSUS_REQUESTS", REQUESTS)
CLIENTS = env_int("BENCH_CLIENTS", 8)
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
WORKERS = env_int("BENCH_WORKERS", 3)
DEEP_PAGES = env_int("BENCH_DEEP_PAGES", 200)
EXPORT_REPEAT = env_int("BENCH_EXPORT_REPEAT", 2)
SQL_REPEAT = env_int("BENCH_SQL_REPEAT", 5)  # read by bench/inprocess.py too
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ct_bench")
WITH_SQLITE = os.environ.get("BENCH_SQLITE", "1").lower() not in {"0", "no", "false", "off"}
# Reuse the PostgreSQL half of the last run of the same N and seed (bench/.data/results-N.json), e.g. to redo the SQLite half.
REUSE_POSTGRES = os.environ.get("BENCH_REUSE_POSTGRES", "0").lower() in {"1", "yes", "true", "on"}
RESULTS = Path(os.environ.get("BENCH_RESULTS", BENCH / "RESULTS.md"))
# Measure only the URLs whose label holds this text (e.g. "text search"), no exports: a quick look at one part.
ONLY = os.environ.get("BENCH_ONLY", "")
# A secret for the benchmark's own server only (DEBUG off refuses to start without one).
SECRET = "bench-only-secret-key-not-for-any-deployment-0123456789"

# Targets (at 1,000,000 incidents on PostgreSQL; reported against at any N).
LIST_P95_MS, INCIDENT_P95_MS, API_P95_MS, MAP_P95_MS = 200, 30, 100, 300
DEEP_RATIO, SQL_RATIO = 2.0, 3.0
EXPORT_SECONDS, EXPORT_MB = 90, 200
SQLITE_PAGE_MS = 1000


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- environment, databases, data -----------------------------------------------------------------------------------


def site_env(database_url: str) -> dict:
    """The environment of a production-like site: DEBUG off, a real secret, the bench database."""
    env = dict(os.environ)
    env.update(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
               DATABASE_URL=database_url, DJANGO_SECURE_COOKIES="0", DJANGO_LOG_LEVEL="ERROR",
               DJANGO_DOWNLOADS_DIR=str(DATA / "downloads"), PYTHONUNBUFFERED="1")
    return env


def manage(env: dict, *args: str) -> str:
    log("manage.py " + " ".join(args))
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=BASE, env=env, check=True, stdout=subprocess.PIPE, text=True)
    return done.stdout


def inprocess(env: dict, command: str, payload=None):
    done = subprocess.run([PYTHON, str(BENCH / "inprocess.py"), command], cwd=BASE, env=env, check=True,
                          input=json.dumps(payload) if payload is not None else None, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout)


