"""Servers (gunicorn, Datasette) started and stopped, and what is measured over HTTP: latency, throughput,
an export's time and peak memory, a cursor followed deep."""

import contextlib
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from config import BASE, DATA, DATASETTE, PYTHON, WORKERS, log, site_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    command: list[str]
    env: dict
    port: int = 0
    process: subprocess.Popen | None = None
    log_path: Path = field(default_factory=Path)

    def start(self, ready_path: str = "/") -> "Server":
        self.log_path = DATA / f"{self.name}.log"
        log(f"starting {self.name} on 127.0.0.1:{self.port}")
        self.process = subprocess.Popen(self.command, cwd=BASE, env=self.env, start_new_session=True,
                                        stdout=self.log_path.open("w"), stderr=subprocess.STDOUT)
        RUNNING.append(self)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} stopped at start; see {self.log_path}")
            with contextlib.suppress(OSError):
                status, _, _ = get(self.port, ready_path, timeout=30)
                if status < 500:
                    return self
            time.sleep(0.3)
        raise SystemExit(f"{self.name} did not answer within 60 s; see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            log(f"stopping {self.name}")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self in RUNNING:
            RUNNING.remove(self)

    def workers(self) -> list[int]:
        """The gunicorn workers (children of the master)."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        if children.exists():
            return [int(child) for child in children.read_text().split()]
        return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit() and _ppid(int(entry.name)) == pid]


RUNNING: list[Server] = []


def _ppid(pid: int) -> int:
    with contextlib.suppress(OSError):
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    return -1


def gunicorn(name: str, database_url: str) -> Server:
    """The site as deployed: gunicorn, sync workers (one request per worker process at a time), DEBUG off."""
    port = free_port()
    command = [str(Path(PYTHON).parent / "gunicorn"), "casualtytracker.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(WORKERS), "--worker-class", "sync", "--timeout", "600", "--log-level", "warning"]
    return Server(name, command, site_env(database_url), port).start("/methodology/")


def datasette(path: Path) -> Server:
    port = free_port()
    return Server("datasette", [str(DATASETTE), "serve", str(path), "--host", "127.0.0.1", "--port", str(port)],
                  dict(os.environ), port).start("/-/versions.json")


def stop_all(*_) -> None:
    for server in list(RUNNING):
        server.stop()


# --- HTTP measurements -------------------------------------------------------------------------------------------------


def get(port: int, path: str, timeout: float = 600) -> tuple[int, int, dict]:
    """One GET, the whole body read: (status, bytes, headers)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", "Accept-Encoding": "identity"})
        response = conn.getresponse()
        size = 0
        while chunk := response.read(1 << 16):
            size += len(chunk)
        return response.status, size, dict(response.getheaders())
    finally:
        conn.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


@dataclass
class Timing:
    median: float = 0.0
    p95: float = 0.0
    max: float = 0.0
    requests: int = 0
    per_second: float | None = None
    status: int = 0
    size: int = 0
    errors: int = 0
    first: float = 0.0


def latency(port: int, path: str, requests: int) -> Timing:
    """Sequential requests, one at a time, each timed from sending to the last byte (ms)."""
    started = time.perf_counter()
    get(port, path)  # the first request of this URL since the server started: nothing of it cached yet
    first = (time.perf_counter() - started) * 1000
    for _ in range(2):
        get(port, path)  # warm: worker imports, caches, connections
    times, statuses, size = [], set(), 0
    for _ in range(requests):
        started = time.perf_counter()
        status, size, _ = get(port, path)
        times.append((time.perf_counter() - started) * 1000)
        statuses.add(status)
    status = 200 if statuses == {200} else max(statuses - {200})
    return Timing(statistics.median(times), percentile(times, 0.95), max(times), requests, None, status, size,
                  errors=0 if statuses == {200} else 1, first=first)


def throughput(port: int, path: str, clients: int, seconds: float) -> float:
    """Requests per second answered (HTTP 200) with `clients` clients each sending the next request as soon as one is answered."""
    done = [0] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        while time.monotonic() < stop:
            with contextlib.suppress(OSError):  # a refused or reset connection counts as no answer
                if get(port, path)[0] == 200:
                    done[index] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started)


def _status_kb(pid: int, key: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def export_run(server: Server, path: str) -> dict:
    """Stream an export to the end; its time and the peak memory (RSS) of the worker that served it."""
    workers = server.workers()
    for pid in workers:  # reset each worker's peak RSS (VmHWM) so the peak is this request's
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")
    before = {pid: _status_kb(pid, "VmRSS") for pid in workers}
    sampled = dict(before)
    finished = threading.Event()

    def sample() -> None:
        while not finished.wait(0.05):
            for pid in workers:
                sampled[pid] = max(sampled[pid], _status_kb(pid, "VmRSS"))

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    try:
        status, size, _ = get(server.port, path, timeout=3600)
    finally:
        seconds = time.perf_counter() - started
        finished.set()
        sampler.join()
    peaks = {pid: max(_status_kb(pid, "VmHWM"), sampled[pid]) for pid in workers}
    busiest = max(workers, key=lambda pid: peaks[pid] - before[pid])
    return {"status": status, "bytes": size, "seconds": seconds, "peak_mb": peaks[busiest] / 1024,
            "start_mb": before[busiest] / 1024}


def follow_next(port: int, path: str, pages: int) -> tuple[str, int]:
    """Follow the API list's `next` link `pages` times (or to the last page): the cursor a reader reaches."""
    cursor, followed = "", 0
    for _ in range(pages):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        body = json.loads(conn.getresponse().read())
        conn.close()
        if not body.get("next"):
            break
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(body["next"]).query)
        cursor = query["after"][0]
        path = "/api/v1/incidents/?" + urllib.parse.urlencode({"after": cursor})
        followed += 1
    return cursor, followed


# --- the URLs ---------------------------------------------------------------------------------------------------------


