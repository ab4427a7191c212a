"""The benchmark (`make bench`): the site as users reach it, under gunicorn, on N synthetic incidents.

    make bench                      # 100,000 incidents (BENCH_N), PostgreSQL, then SQLite beside Datasette
    BENCH_N=1000000 make bench      # the large run

Loads the data with `manage.py generate_synthetic` unless the database already holds it, serves the site with
gunicorn (DEBUG off), times a fixed list of URLs over HTTP, asks the site itself (bench/inprocess.py) for the SQL
each page sends and times that SQL raw, measures the export's time and peak memory, then does the same on SQLite
beside Datasette serving the project's own full-download SQLite file. Writes bench/RESULTS.md. See bench/README.md.
"""

import contextlib
import datetime
import http.client
import json
import os
import platform
import re
import signal
import subprocess
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from config import (
    BASE,
    CLIENTS,
    DATA,
    DATABASE_URL,
    DATASETTE,
    DEEP_PAGES,
    EXPORT_REPEAT,
    ONLY,
    REQUESTS,
    RESULTS,
    REUSE_POSTGRES,
    SECONDS,
    SEED,
    SQLITE_N,
    SQLITE_REQUESTS,
    VERSUS_REQUESTS,
    WITH_SQLITE,
    N,
    inprocess,
    log,
    manage,
    site_env,
)
from measure import Server, Timing, datasette, export_run, follow_next, gunicorn, latency, stop_all, throughput


def _pg_name(url: str) -> str:
    return urllib.parse.urlsplit(url).path.lstrip("/")


def _pg_admin(url: str):
    parts = urllib.parse.urlsplit(url)
    admin = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
                             password=parts.password or None, dbname="postgres")
    admin.autocommit = True
    return admin


def _refuse_unless_bench(name: str, n: int) -> None:
    if "bench" not in name:
        raise SystemExit(f"The database {name!r} does not hold {n:,} incidents of seed {SEED}; the benchmark only empties "
                         "databases whose name contains 'bench'. Set BENCH_DATABASE_URL to one.")


def reset_postgres(url: str, n: int) -> None:
    name = _pg_name(url)
    admin = _pg_admin(url)
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone():
            _refuse_unless_bench(name, n)
            log(f"dropping database {name}")
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        log(f"creating database {name}")
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def postgres_exists(url: str) -> bool:
    admin = _pg_admin(url)
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [_pg_name(url)])
        found = cursor.fetchone() is not None
    admin.close()
    return found


def _state_file() -> Path:
    return DATA / "loaded.json"


def _loaded() -> dict:
    path = _state_file()
    return json.loads(path.read_text()) if path.exists() else {}


def ensure_data(database_url: str, n: int) -> dict:
    """The database holds exactly n synthetic incidents of SEED (as recorded when they were generated), else is rebuilt."""
    env = site_env(database_url)
    is_sqlite = database_url.startswith("sqlite")
    exists = Path(urllib.parse.urlsplit(database_url).path).exists() if is_sqlite else postgres_exists(database_url)
    recorded = _loaded().get(database_url)
    if exists and recorded == {"n": n, "seed": SEED}:
        manage(env, "migrate", "--noinput", "-v", "0")
        held = inprocess(env, "count")
        if held["incidents"] == n:
            log(f"{database_url}: already holds {n:,} incidents of seed {SEED}")
            return held
    state = _loaded()
    state.pop(database_url, None)  # not to be trusted again until the generation below completes
    DATA.mkdir(exist_ok=True)
    _state_file().write_text(json.dumps(state, indent=1))
    if is_sqlite:
        path = Path(urllib.parse.urlsplit(database_url).path)
        _refuse_unless_bench(path.name, n)
        path.unlink(missing_ok=True)
    else:
        reset_postgres(database_url, n)
    manage(env, "migrate", "--noinput", "-v", "0")
    started = time.perf_counter()
    manage(env, "generate_synthetic", "--incidents", str(n), "--seed", str(SEED))
    log(f"generated {n:,} incidents in {time.perf_counter() - started:.0f} s")
    if not is_sqlite:
        with psycopg2.connect(database_url) as conn, conn.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, as after any bulk load
    state[database_url] = {"n": n, "seed": SEED}
    _state_file().write_text(json.dumps(state, indent=1))
    held = inprocess(env, "count")
    if held["incidents"] != n:
        raise SystemExit(f"generate_synthetic made {held['incidents']:,} incidents, not {n:,}")
    return held


# --- servers -----------------------------------------------------------------------------------------------------------


@dataclass
class Url:
    label: str
    path: str
    kind: str  # list, api, incident, page, export, map
    note: str = ""


def q(**params) -> str:
    return urllib.parse.urlencode({key: value for key, value in params.items() if value not in ("", None)}, doseq=True)


def build_urls(found: dict) -> list[Url]:
    """The fixed list of the issue, with real values picked from the loaded data (bench/inprocess.py discover)."""
    filters = [
        ("country", found["country"]), ("admin1", found["admin1"]), ("conflict", found["conflict"]),
        ("belligerent", found["belligerent"]), ("event_type", found["event_type"]), ("grade", found["grade"]),
        ("stance", found["stance"]), ("stance_by", found["stance_by"]), ("conceded", "yes"), ("killed_min", "50"),
        ("source", found["source"]), ("has_victims", "yes"), ("victim", found["victim"]),
        ("date_from", found["year_from"]), ("date_to", found["year_to"]),
    ]
    urls = [Url("list, unfiltered", "/incidents/", "list")]
    for name, value in filters:
        if value:
            urls.append(Url(f"list, {name} alone", f"/incidents/?{q(**{name: value})}", "list"))
        else:
            urls.append(Url(f"list, {name} alone", "", "list", "no value in the data"))
    combination = q(country=found["country"], grade=found["grade"], killed_min=10, date_from=found["year_from"],
                    date_to=found["year_to"], belligerent=found["belligerent"])
    urls += [
        Url("list, a combination", f"/incidents/?{combination}", "list"),
        Url("list, sorted by reported killed", "/incidents/?sort=-reported", "list"),
    ]
    searches = (("accented", found["accented"]), ("unaccented", found["unaccented"]), ("Arabic", found["arabic"]),
                ("Arabic respelled", found["arabic_respelled"]), ("an actor's alias", found["alias"]))
    for label, word in searches:  # by relevance, the default order of a text search
        urls.append(Url(f"list, text search, {label} ({word})", f"/incidents/?{q(q=word)}" if word else "", "list",
                        "" if word else "no such word in the data"))
    urls += [
        Url(f"list, {DEEP_PAGES} pages deep", "", "deep"),
        Url("incident page", f"/incidents/{found['incident']}/", "incident", f"{found['incident_claims']} claims"),
        Url("belligerent page", f"/belligerents/{found['belligerent']}/", "page"),
        Url("timeline", "/timeline/", "page"),
        Url("home", "/", "page"),
        Url("API list", "/api/v1/incidents/", "api"),
        Url("API list, country alone", f"/api/v1/incidents/?{q(country=found['country'])}", "api"),
        Url("map data", found["map_url"], "map", "" if found["map_url"] else "not yet built (issue 13 adds /map/)"),
        Url("SDG 16.1.2 table", "/sdg/", "page"),
        Url("SDG 16.1.2 table, country alone", f"/sdg/?{q(country=found['country'])}", "page"),
        Url("SDG 16.1.2 table, API", "/api/v1/incidents/sdg/", "api"),
    ]
    return urls


# --- the run -----------------------------------------------------------------------------------------------------------


def measure_urls(server: Server, urls: list[Url], requests: int, with_throughput: bool) -> dict:
    results = {}
    for url in urls:
        if not url.path:
            continue
        log(f"{server.name}: {url.label}: {url.path[:100]}")
        timing = latency(server.port, url.path, requests)
        if with_throughput and timing.status == 200:
            timing.per_second = throughput(server.port, url.path, CLIENTS, SECONDS)
        results[url.label] = timing
    return results


def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = 0
    with contextlib.suppress(OSError):
        memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1]) // 1024
    admin = _pg_admin(DATABASE_URL)
    with admin.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        postgres += f", shared_buffers {cursor.fetchone()[0]}"
    admin.close()
    import sqlite3

    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": memory, "postgres": postgres, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "os": platform.platform(), "datasette": _datasette_version(), "code": code_version()}


def code_version() -> str:
    """The commit measured (and a merge in progress, or changes not committed, when there are)."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=BASE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=False)
        return done.stdout.strip()

    version = git("rev-parse", "--short", "HEAD") or "unknown"
    merging = git("rev-parse", "-q", "--verify", "--short", "MERGE_HEAD")
    if merging:
        version += f" merged with {merging} ({git('name-rev', '--name-only', merging)})"
    if git("status", "--porcelain", "--untracked-files=no") and not merging:
        version += " with changes not committed"
    return version


def _datasette_version() -> str:
    if not DATASETTE.exists():
        return ""
    done = subprocess.run([str(DATASETTE), "--version"], stdout=subprocess.PIPE, text=True, check=False)
    return done.stdout.strip()


def run_postgres(report: dict) -> None:
    env = site_env(DATABASE_URL)
    report["postgres_data"] = ensure_data(DATABASE_URL, N)
    log("discovering values from the data")
    found = report["found"] = inprocess(env, "discover")
    urls = report["urls"] = [url for url in build_urls(found) if ONLY.lower() in url.label.lower()]
    server = gunicorn("gunicorn-postgres", DATABASE_URL)
    try:
        cursor, followed = follow_next(server.port, "/api/v1/incidents/", DEEP_PAGES)
        for url in urls:
            if url.kind == "deep":
                url.label = f"list, {followed} pages deep"
                url.path = f"/incidents/?{q(after=cursor)}" if cursor else ""
                url.note = "cursor reached by following `next`" if cursor else "the list has one page"
        report["postgres"] = measure_urls(server, urls, REQUESTS, with_throughput=True)
        exports = report["exports"] = []
        export_query = found["export"]["query"]
        runs = [] if ONLY else [("CSV export", f"/incidents/export.csv?{export_query}" if export_query else "/incidents/export.csv",
                 found["export"]["rows"])]
        if N >= 1_000_000 and not ONLY:
            runs.append(("CSV export, every incident", "/incidents/export.csv", report["postgres_data"]["published"]))
        for label, path, rows in runs:
            for attempt in range(EXPORT_REPEAT if rows <= 200_000 else 1):
                log(f"{label}: {path} ({rows:,} rows), run {attempt + 1}")
                exports.append({"label": label, "path": path, "rows": rows, **export_run(server, path)})
        report["export_paths"] = [path for _, path, _ in runs[:1]]
    finally:
        server.stop()
    log("SQL of each page, in process, then timed raw")
    paths = [url.path for url in urls if url.path] + report["export_paths"]
    report["postgres_sql"] = inprocess(env, "sql", paths)


def run_sqlite(report: dict, started: float) -> None:
    DATA.mkdir(exist_ok=True)
    database_url = f"sqlite:///{DATA / f'ct_bench-{SQLITE_N}-{SEED}.sqlite3'}"
    env = site_env(database_url)
    report["sqlite_data"] = ensure_data(database_url, SQLITE_N)
    # The project's own full-download SQLite file of the same incidents (generate_synthetic: same N and seed, same data),
    # built from the PostgreSQL copy when it holds the same N (build_downloads on SQLite takes far longer at 100,000).
    day = "2000-01-01"
    download = DATA / "downloads" / f"casualty-tracker-{day}-{SQLITE_N}-{SEED}.sqlite"
    if not download.exists():
        built_from = DATABASE_URL if SQLITE_N == N else database_url
        started = time.perf_counter()
        manage(site_env(built_from), "build_downloads", "--date", day, "--output", str(DATA / "downloads"))
        (DATA / "downloads" / f"casualty-tracker-{day}.sqlite").replace(download)
        report["download_seconds"] = time.perf_counter() - started
        log(f"built the downloads in {report['download_seconds']:.0f} s")
    report["download"] = {"name": download.name, "size_mb": download.stat().st_size / 1e6}
    found = inprocess(env, "discover")
    urls = [url for url in build_urls(found) if url.kind != "deep"]
    report["sqlite_urls"] = urls  # values picked from the SQLite data: labels may differ from PostgreSQL's
    report["sqlite_sql"] = inprocess(env, "sql", [url.path for url in urls if url.path])
    ours = gunicorn("gunicorn-sqlite", database_url)
    try:
        report["sqlite"] = measure_urls(ours, urls, SQLITE_REQUESTS, with_throughput=False)
        write(report, started)
        if not DATASETTE.exists():
            log(f"no Datasette at {DATASETTE}: `make bench` installs it (bench/requirements.txt)")
            return
        theirs = datasette(download)
        try:
            report["versus"] = compare(ours, theirs, download.stem, found)
        finally:
            theirs.stop()
    finally:
        ours.stop()


def compare(ours: Server, theirs: Server, database: str, found: dict) -> list[dict]:
    """Our list JSON against Datasette's table JSON, for the same filter (50 rows each, each with its count)."""
    pairs = [
        ("no filter", "/api/v1/incidents/", f"/{database}/incidents.json?_size=50"),
        (f"country = {found['country']}", f"/api/v1/incidents/?{q(country=found['country'])}",
         f"/{database}/incidents.json?{q(country=found['country'], _size=50)}"),
        (f"grade = {found['grade']}", f"/api/v1/incidents/?{q(grade=found['grade'])}",
         f"/{database}/incidents.json?{q(grade=found['grade'], _size=50)}"),
        ("reported killed ≥ 50", "/api/v1/incidents/?killed_min=50",
         f"/{database}/incidents.json?reported_killed_max__gte=50&_size=50"),
    ]
    rows = []
    for label, mine, other in pairs:
        log(f"versus Datasette: {label}")
        rows.append({"label": label, "ours_path": mine, "datasette_path": other,
                     "ours": latency(ours.port, mine, VERSUS_REQUESTS), "datasette": latency(theirs.port, other, VERSUS_REQUESTS),
                     "ours_count": _count(ours.port, mine, "count"), "datasette_count": _count(theirs.port, other, "filtered_table_rows_count")})
    return rows


def _count(port: int, path: str, key: str):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path, headers={"Host": "127.0.0.1"})
    body = json.loads(conn.getresponse().read())
    conn.close()
    return body.get(key)


POSTGRES_KEYS = ("date", "load_start", "postgres_data", "found", "postgres", "exports", "export_paths", "postgres_sql")


def reuse_postgres(report: dict) -> None:
    """The PostgreSQL half of the last run of the same N and seed, read back from its raw numbers."""
    saved = json.loads((DATA / f"results-{N}.json").read_text())
    if (saved["n"], saved["seed"]) != (N, SEED):
        raise SystemExit(f"bench/.data/results-{N}.json is of seed {saved['seed']}, not {SEED}")
    report.update({key: saved[key] for key in POSTGRES_KEYS if key in saved})
    report["urls"] = [Url(**url) for url in saved["urls"]]
    report["postgres"] = {label: Timing(**timing) for label, timing in saved["postgres"].items()}
    report["reused_postgres"] = saved["date"]
    report["postgres_code"] = saved["machine"].get("code", "unknown")
    log(f"reusing the PostgreSQL half of {saved['date']}")


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    DATA.mkdir(exist_ok=True)
    started = time.perf_counter()
    report = {"date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"), "n": N, "seed": SEED,
              "load_start": os.getloadavg()[0]}
    try:
        report["machine"] = machine()
        manage(site_env(DATABASE_URL), "collectstatic", "--noinput", "-v", "0")
        if REUSE_POSTGRES:
            reuse_postgres(report)
        else:
            run_postgres(report)
            write(report, started)  # the PostgreSQL half stands on its own if the SQLite half fails
        if WITH_SQLITE:
            run_sqlite(report, started)
            write(report, started)
    except KeyboardInterrupt:
        log("interrupted: stopping the servers")
        raise SystemExit(130) from None
    finally:
        stop_all()


def write(report: dict, started: float) -> None:
    from results import write_results

    report["minutes"] = (time.perf_counter() - started) / 60
    report["load_end"] = os.getloadavg()[0]
    RESULTS.write_text(write_results(report))
    log(f"wrote {RESULTS} ({report['minutes']:.1f} min)")


if __name__ == "__main__":
    main()

