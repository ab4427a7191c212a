"""Load and faults (issue 14): the site under gunicorn on PostgreSQL, many clients at once, then PostgreSQL restarted.

    .venv/bin/python bench/faults.py            # about 3 minutes; restarts the local PostgreSQL once
    FAULTS_RESTART=0 .venv/bin/python bench/faults.py   # the load and export phases only

Loopback only (127.0.0.1), bounded in time (every phase has a fixed length, every request a timeout), never part of
`make test`. Phases (bench/README.md):
1. **load**: FAULTS_CLIENTS (32) clients for FAULTS_SECONDS (60) s on mixed public URLs → requests/s, median, p95 and
   every status; the rate limits stay on, each client with its own address (X-Forwarded-For behind one trusted proxy).
2. **exports vs pages**: an incident page's median alone, then while two clients loop the whole JSON export (served from
   its prebuilt file), then while two clients loop a filtered JSON export of every row (streamed live: rate limit and
   export cap).
3. **faults**: clients keep going while PostgreSQL is restarted (`pg_ctlcluster --skip-systemctl-redirect 15 main
   restart`); meanwhile a slow reader holds a live export open and an editor saves a record in the admin in a loop.
   Checked: no 500 and no broken connection, answers during the outage are 200 (waited) or 503 with Retry-After, the
   cut export ends with the "# export incomplete:" line, the site answers 200 again by itself, and every admin save is
   whole or absent (the record, its history row and its admin log entry together).
Figures: appended to bench/RESULTS.md under "Load and faults (issue 14)" (that section only is replaced on a rerun).
"""

import contextlib
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from config import BASE, DATA, PYTHON, RESULTS, log, site_env  # noqa: E402
from measure import Server, free_port, percentile, stop_all  # noqa: E402

DATABASE_URL = os.environ.get("FAULTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ct_faults")
INCIDENTS, SEED = int(os.environ.get("FAULTS_N", "5000")), 1
CLIENTS = int(os.environ.get("FAULTS_CLIENTS", "32"))
SECONDS = float(os.environ.get("FAULTS_SECONDS", "60"))
PRESSURE_SECONDS = float(os.environ.get("FAULTS_PRESSURE_SECONDS", "15"))
FAULT_SECONDS = float(os.environ.get("FAULTS_FAULT_SECONDS", "40"))
RESTART = os.environ.get("FAULTS_RESTART", "1").lower() not in {"0", "no", "false", "off"}
PG_RESTART = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]
WORKERS, THREADS = 3, 4
ADMIN_USER, ADMIN_PASSWORD = "faults-admin", "faults-admin-password-2026"
# A Redis database of its own (7), so as not to mix with another user of the same local Redis.
REDIS_URL = os.environ.get("FAULTS_REDIS_URL", "redis://127.0.0.1:6379/7")
HEADING = "## Load and faults (issue 14)"
TIMEOUT = 30
# Each client asks for the small export once in this many seconds (people export now and then, they do not loop).
EXPORT_EVERY = float(os.environ.get("FAULTS_EXPORT_EVERY", "30"))


# --- the site ----------------------------------------------------------------------------------------------------

def env() -> dict:
    """A production-like site (DEBUG off) with the limits on, counted in Redis as app servers share them (each gunicorn
    worker would otherwise count alone); the clients stand behind one trusted proxy."""
    return {**site_env(DATABASE_URL), "DJANGO_TRUSTED_PROXY_COUNT": "1", "RATE_LIMITS_ENABLED": "1", "REDIS_URL": REDIS_URL,
            "DJANGO_JOBS_BACKEND": "database", "DJANGO_DOWNLOADS_DIR": str(DATA / "faults-downloads")}


def manage(*args: str, stdin: str | None = None) -> str:
    log("manage.py " + " ".join(args)[:80])
    return subprocess.run([PYTHON, "manage.py", *args], cwd=BASE, env=env(), check=True, input=stdin,
                          stdout=subprocess.PIPE, text=True).stdout


def shell(code: str) -> str:
    return manage("shell", "--no-imports", "-c", code)


def ensure_data() -> dict:
    """The faults database with its synthetic incidents, today's downloads (prebuilt exports), an admin, URL values."""
    name = urllib.parse.urlparse(DATABASE_URL).path.lstrip("/")
    if "faults" not in name:
        raise SystemExit(f"refusing to use {name}: the faults database's name must contain 'faults'")
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], stderr=subprocess.DEVNULL)
    manage("migrate", "--noinput", "-v", "0")
    count = int(shell("from incidents.models import Incident; print(Incident.objects.count())").strip().splitlines()[-1])
    if count == 0:
        manage("generate_synthetic", "--incidents", str(INCIDENTS), "--seed", str(SEED))
    elif count < INCIDENTS:
        raise SystemExit(f"{name} holds {count} incidents, fewer than {INCIDENTS}: drop it (dropdb) and rerun")
    manage("collectstatic", "--noinput", "-v", "0")
    # The whole exports at the data version as it is now (`migrate` moves it): what `build_downloads` prebuilds.
    shell("from incidents.full_exports import build_full_exports; build_full_exports()")
    return json.loads(shell(f"""
import json
from django.contrib.auth import get_user_model
from incidents.models import Conflict, Incident
User = get_user_model()
user = User.objects.filter(username={ADMIN_USER!r}).first() or User.objects.create_superuser({ADMIN_USER!r}, "f@example.org", {ADMIN_PASSWORD!r})
published = Incident.objects.published().order_by("-date_start", "-id")
codes = list(published.values_list("code", flat=True)[:40])
recent = published.values_list("date_start", flat=True)[40]
country = published.exclude(country="").values_list("country", flat=True).first()
print(json.dumps({{"codes": codes, "recent": recent.isoformat(), "country": country, "conflict": Conflict.objects.order_by("pk").first().pk}}))
""").strip().splitlines()[-1])


def gunicorn() -> Server:
    port = free_port()
    command = [str(Path(PYTHON).parent / "gunicorn"), "casualtytracker.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(WORKERS), "--threads", str(THREADS), "--worker-class", "gthread", "--timeout", "120",
               "--log-level", "warning"]
    return Server("gunicorn-faults", command, env(), port).start("/methodology/")


# --- clients -----------------------------------------------------------------------------------------------------

def request(port: int, path: str, *, client: str, method: str = "GET", body: str | None = None, headers: dict | None = None):
    """One request, the whole body read: (status, seconds, headers, body); status 0 when the connection failed."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body, headers={"Host": "127.0.0.1", "X-Forwarded-For": client, **(headers or {})})
        response = conn.getresponse()
        data = response.read()
        return response.status, time.monotonic() - started, dict(response.getheaders()), data
    except (OSError, http.client.HTTPException) as error:
        return 0, time.monotonic() - started, {}, str(error).encode()
    finally:
        conn.close()


def mixed_urls(found: dict) -> list[tuple[str, str]]:
    """(kind, path) of the public URLs the load phase picks from; the small export is asked once every EXPORT_EVERY s."""
    country = found["country"]
    urls = [("list", "/incidents/"), ("filter", f"/incidents/?country={country}&sort=-reported"),
            ("filter", "/incidents/?event_type=airstrike"), ("timeline", "/timeline/"), ("map data", "/map/data.json"),
            ("chart data", "/charts/monthly.json"), ("API", f"/api/v1/incidents/?country={country}"), ("home", "/")]
    urls += [("incident", f"/incidents/{code}/") for code in found["codes"][:8]]
    return urls


def load(port: int, found: dict, *, clients: int, seconds: float, stop: threading.Event | None = None) -> list[dict]:
    """`clients` clients, each sending its next request when the last is answered, for `seconds` s."""
    urls, results, lock = mixed_urls(found), [], threading.Lock()
    export = ("small export", f"/incidents/export.csv?date_from={found['recent']}")
    deadline = time.monotonic() + seconds

    def client(number: int):
        rng = random.Random(number)
        last_export = time.monotonic() - rng.uniform(0, EXPORT_EVERY)  # the clients' exports spread out
        while time.monotonic() < deadline and not (stop and stop.is_set()):
            kind, path = export if time.monotonic() - last_export > EXPORT_EVERY else rng.choice(urls)
            if kind == "small export":
                last_export = time.monotonic()
            status, took, headers, body = request(port, path, client=f"10.77.{number // 250}.{number % 250 + 1}")
            with lock:
                results.append({"at": time.monotonic(), "kind": kind, "status": status, "seconds": took,
                                "retry_after": headers.get("Retry-After"), "traceback": b"Traceback" in body})

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def summary(results: list[dict], seconds: float) -> dict:
    ok = [r["seconds"] for r in results if r["status"] == 200]
    statuses: dict = {}
    for r in results:
        statuses[str(r["status"])] = statuses.get(str(r["status"]), 0) + 1
    return {"requests": len(results), "per_second": round(len(results) / seconds, 1), "statuses": statuses,
            "median_ms": round(statistics.median(ok) * 1000) if ok else None,
            "p95_ms": round(percentile(ok, 0.95) * 1000) if ok else None,
            "export_cap_503": sum(1 for r in results if r["status"] == 503 and r["kind"] == "small export"),
            "server_errors": sum(1 for r in results if r["status"] >= 500 and not (r["status"] == 503 and r["retry_after"])),
            "failed_connections": sum(1 for r in results if r["status"] == 0),
            "tracebacks": sum(1 for r in results if r["traceback"]),
            "by_kind_median_ms": {kind: round(statistics.median(
                [r["seconds"] for r in results if r["kind"] == kind and r["status"] == 200] or [0]) * 1000)
                for kind in sorted({r["kind"] for r in results})}}


# --- exports vs pages --------------------------------------------------------------------------------------------

def page_median(port: int, path: str, seconds: float, exporters: list[str], *, phase: int) -> dict:
    """An incident page's median while `exporters` (paths) are each looped by one client."""
    stop, exported = threading.Event(), []

    def exporter(number: int, path: str):
        while not stop.is_set():
            status, took, headers, _ = request(port, path, client=f"10.88.{phase}.{number + 1}")
            exported.append(status)
            if status != 200:
                time.sleep(0.2)

    threads = [threading.Thread(target=exporter, args=(n, p)) for n, p in enumerate(exporters)]
    for thread in threads:
        thread.start()
    times, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, took, _, _ = request(port, path, client="10.88.1.1")
        if status == 200:
            times.append(took)
    stop.set()
    for thread in threads:
        thread.join()
    counts = {str(s): exported.count(s) for s in sorted(set(exported))}
    return {"median_ms": round(statistics.median(times) * 1000), "pages": len(times), "exports": counts}


# --- faults ------------------------------------------------------------------------------------------------------

class FormFields(HTMLParser):
    """The fields of the admin change form, as a browser would submit them untouched."""

    def __init__(self):
        super().__init__()
        self.fields, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file"}:
            if attrs.get("type") not in {"checkbox", "radio"} or "checked" in attrs:
                self.fields[name] = attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


class Editor:
    """An administrator saving one conflict's name in the admin, again and again (cookies kept by hand)."""

    def __init__(self, port: int, conflict: int):
        self.port, self.path, self.cookies = port, f"/admin/incidents/conflict/{conflict}/change/", {}
        self.saves: list[tuple[int, int]] = []  # (number, status)

    def _send(self, method: str, path: str, fields: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Referer": f"http://127.0.0.1:{self.port}{path}"}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, _, response_headers, data = request(self.port, path, client="10.99.0.1", method=method, body=body, headers=headers)
        for key, value in response_headers.items():
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return status, data.decode("utf-8", "replace")

    def _form(self, path: str) -> dict | None:
        """The form's fields as the page shows them; None when the page did not come (the database was away)."""
        status, html = self._send("GET", path)
        if status != 200:
            return None
        parser = FormFields()
        parser.feed(html)
        return parser.fields

    def login(self) -> None:
        fields = self._form("/admin/login/")
        fields.update(username=ADMIN_USER, password=ADMIN_PASSWORD)
        status, _ = self._send("POST", "/admin/login/", fields)
        assert status == 302, f"admin login failed: {status}"

    def save_loop(self, stop: threading.Event) -> None:
        number = 0
        while not stop.is_set():
            number += 1
            fields = self._form(self.path)
            if fields is None:
                self.saves.append((number, "form not shown"))
            else:
                fields["name"] = f"Faults conflict save {number}"
                fields["_save"] = "Save"
                self.saves.append((number, self._send("POST", self.path, fields)[0]))
            time.sleep(0.2)


def check_saves(conflict: int) -> dict:
    """Every save is whole or absent: the conflict's name is its latest history row's, and each saved name has exactly
    one history row and one admin log entry (written in the same transaction as the row)."""
    return json.loads(shell(f"""
import json
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from incidents.models import Conflict
conflict = Conflict.objects.get(pk={conflict})
history = list(conflict.history.filter(name__startswith="Faults conflict save").values_list("name", flat=True))
logs = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Conflict), object_id=str(conflict.pk)).count()
latest = conflict.history.order_by("-history_date", "-history_id").first()
print(json.dumps({{"name": conflict.name, "latest_history": latest.name, "history_rows": len(history),
                   "distinct_saved": len(set(history)), "admin_log_entries": logs}}))
""").strip().splitlines()[-1])


def slow_export(port: int, path: str, restarted: threading.Event, outcome: dict) -> None:
    """A reader that holds a live export open across the restart, then reads it to the end. Its receive buffer is
    small, so the server's worker blocks part-way through sending (the kernel's buffers cannot hold the whole file);
    it asks again while the export slots are all taken (503), as Retry-After says, until the restart."""
    for attempt in range(8):  # within its own rate limit (10 exports a minute)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.sock = socket.socket()
        conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
        conn.sock.settimeout(120)
        conn.sock.connect(("127.0.0.1", port))
        conn.request("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-For": "10.99.0.2"})
        response = conn.getresponse()
        outcome["status"], outcome["attempts"] = response.status, attempt + 1
        if response.status == 200 or restarted.is_set():
            break
        response.read()
        conn.close()
        time.sleep(0.4)
    try:
        first = response.read(16 * 1024)
        restarted.wait(60)
        time.sleep(1)
        rest = response.read()
        text = (first + rest).decode("utf-8", "replace")
        outcome["bytes"] = len(first) + len(rest)
        outcome["last_line"] = text.rstrip("\n").splitlines()[-1][:160]
        outcome["marked"] = "# export incomplete:" in text
    except (OSError, http.client.HTTPException) as error:
        outcome["error"] = str(error)
    finally:
        conn.close()


def faults(port: int, found: dict, *, conflict: int) -> dict:
    before = check_saves(conflict)
    editor = Editor(port, conflict)
    editor.login()
    stop, restarted, export_outcome = threading.Event(), threading.Event(), {}
    results: list[dict] = []
    load_thread = threading.Thread(target=lambda: results.extend(load(port, found, clients=CLIENTS, seconds=FAULT_SECONDS)))
    save_thread = threading.Thread(target=editor.save_loop, args=(stop,))
    export_thread = threading.Thread(target=slow_export, args=(port, "/incidents/export.geojson?date_from=1900-01-01", restarted,
                                                                export_outcome))
    load_thread.start()
    save_thread.start()
    time.sleep(6)
    export_thread.start()
    time.sleep(4)
    log("restarting PostgreSQL: " + " ".join(PG_RESTART))
    began = time.monotonic()
    subprocess.run(PG_RESTART, check=True)
    ended = time.monotonic()
    restarted.set()
    log(f"PostgreSQL back after {ended - began:.1f} s")
    load_thread.join()
    stop.set()
    save_thread.join()
    export_thread.join()
    after = check_saves(conflict)
    during = [r for r in results if began - 0.5 <= r["at"] <= ended + 5]
    after = [r for r in results if r["at"] > ended + 5]
    first_ok = min((r["at"] for r in results if r["at"] > ended and r["status"] == 200), default=None)
    return {
        "restart_seconds": round(ended - began, 1),
        "all": summary(results, FAULT_SECONDS),
        "during_outage": summary(during, max(ended - began + 5.5, 1)) if during else {},
        "after_outage": summary(after, max(FAULT_SECONDS - (ended - began) - 15, 1)) if after else {},
        "first_200_after_restart_s": round(first_ok - ended, 2) if first_ok else None,
        "export": export_outcome,
        "admin_saves": {"tried": len(editor.saves), "statuses": {key: sum(1 for _, x in editor.saves if str(x) == key)
                                                                 for key in sorted({str(x) for _, x in editor.saves})}},
        "admin_check": {**after, "new_history_rows": after["history_rows"] - before["history_rows"],
                        "new_admin_log_entries": after["admin_log_entries"] - before["admin_log_entries"]},
    }


# --- report ------------------------------------------------------------------------------------------------------

def markdown(report: dict) -> str:
    load_, pressure = report["load"], report["pressure"]
    lines = [HEADING, "",
             f"`bench/faults.py` on {report['when']}: {INCIDENTS:,} synthetic incidents (seed {SEED}) on PostgreSQL 15, gunicorn "
             f"{WORKERS} gthread workers × {THREADS} threads, DEBUG off, limits on (each client its own address behind one "
             "trusted proxy), clients on the same 2-core machine. Load average (1, 5, 15 min) "
             f"{tuple(round(x, 1) for x in report['load_average_before'])} at the start, "
             f"{tuple(round(x, 1) for x in report['load_average_after'])} at the end: other work on the machine "
             "shares the cores, so compare the figures with care.", "",
             f"**Load**: {CLIENTS} clients for {SECONDS:.0f} s on mixed public URLs (list, filters, incident pages, timeline, "
             f"map and chart data, API, home, a small CSV export once every {EXPORT_EVERY:.0f} s per client).", "",
             "| requests | requests/s | median | p95 | statuses | errors |", "| --- | --- | --- | --- | --- | --- |",
             f"| {load_['requests']:,} | {load_['per_second']} | {load_['median_ms']} ms | {load_['p95_ms']} ms | "
             f"{load_['statuses']} | {load_['server_errors'] + load_['failed_connections']} |", "",
             "Median by kind (ms): " + ", ".join(f"{kind} {ms}" for kind, ms in load_["by_kind_median_ms"].items()) + ".", "",
             "**Exports vs pages**: an incident page's median, one client reading it in a loop "
             f"({PRESSURE_SECONDS:.0f} s each).", "",
             "| while | incident page median | exporters' answers |", "| --- | --- | --- |"]
    for label, row in pressure.items():
        lines.append(f"| {label} | {row['median_ms']} ms ({row['pages']} pages) | {row['exports'] or '—'} |")
    if "faults" in report:
        f = report["faults"]
        lines += ["", f"**Faults**: {CLIENTS} clients for {FAULT_SECONDS:.0f} s; PostgreSQL restarted after 10 s "
                  f"(`pg_ctlcluster … restart`, {f['restart_seconds']} s).", "",
                  "| window | requests | statuses | median | p95 | 500s / failed connections |", "| --- | --- | --- | --- | --- | --- |"]
        for label, key in (("whole run", "all"), ("restart + 5 s", "during_outage"), ("after", "after_outage")):
            s = f[key]
            if s:
                lines.append(f"| {label} | {s['requests']:,} | {s['statuses']} | {s['median_ms']} ms | {s['p95_ms']} ms | "
                             f"{s['server_errors']} / {s['failed_connections']} |")
        export, admin = f["export"], f["admin_check"]
        lines += ["", f"- First 200 after the restart: {f['first_200_after_restart_s']} s after PostgreSQL was back.",
                  f"- The live GeoJSON export held open across the restart (asked {export.get('attempts')} times): status "
                  f"{export.get('status')}, {export.get('bytes', 0):,} "
                  f"bytes, ends with the marker: {export.get('marked')}; last line `{export.get('last_line', export.get('error'))}`.",
                  f"- Admin saves through the outage: {f['admin_saves']['tried']} tried, answers {f['admin_saves']['statuses']}; "
                  f"afterwards the record reads \"{admin['name']}\", its latest history row \"{admin['latest_history']}\"; "
                  f"this run added {admin['new_history_rows']} history rows and {admin['new_admin_log_entries']} admin log "
                  "entries, one each per save answered 302: each save whole or absent."]
    return "\n".join(lines) + "\n"


def write(report: dict) -> None:
    """Append the section to RESULTS.md, or replace only this section if an earlier run wrote it."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    section = markdown(report)
    if HEADING in text:
        start = text.index(HEADING)
        following = re.search(r"^## ", text[start + len(HEADING):], re.MULTILINE)
        end = start + len(HEADING) + following.start() if following else len(text)
        text = text[:start] + section + ("\n" + text[end:] if following else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")
    log(f"wrote {RESULTS}")


def main() -> None:
    DATA.mkdir(exist_ok=True)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # the limits' counters of an earlier run (this run's own database number)
    found = ensure_data()
    server = gunicorn()
    report = {"when": time.strftime("%Y-%m-%d"), "load_average_before": os.getloadavg()}
    try:
        log(f"load: {CLIENTS} clients for {SECONDS:.0f} s")
        report["load"] = summary(load(server.port, found, clients=CLIENTS, seconds=SECONDS), SECONDS)
        log(json.dumps(report["load"]))
        page = f"/incidents/{found['codes'][0]}/"
        report["pressure"] = {
            "nothing else": page_median(server.port, page, PRESSURE_SECONDS, [], phase=0),
            "2 clients loop the whole JSON export (prebuilt file)": page_median(
                server.port, page, PRESSURE_SECONDS, ["/incidents/export.json"] * 2, phase=1),
            "2 clients loop a filtered JSON export of every row (live)": page_median(
                server.port, page, PRESSURE_SECONDS, ["/incidents/export.json?date_from=1900-01-01"] * 2, phase=2),
        }
        log(json.dumps(report["pressure"]))
        if RESTART:
            report["faults"] = faults(server.port, found, conflict=found["conflict"])
            log(json.dumps(report["faults"]))
    finally:
        stop_all()
    report["load_average_after"] = os.getloadavg()
    (DATA / "faults.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    write(report)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
