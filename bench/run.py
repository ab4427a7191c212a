"""Benchmark the public pages on a large synthetic dataset.

    DJANGO_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_bench .venv/bin/python bench/run.py --incidents 100000

Seeds N published incidents (with derived figures, as the recompute service would
store them) and one claim each into the configured database when it holds fewer
than N, then times each page over several requests and prints the median and
the number of SQL queries. Timings are measured here, never asserted in tests.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casualtytracker.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from incidents import choices  # noqa: E402
from incidents.models import Incident  # noqa: E402

PAGES = [
    "/",
    "/incidents/",
    "/incidents/?sort=-reported",
    "/incidents/?country=IQ&grade=fair&sort=-conceded",
    "/incidents/?q=Mosul",
    "/incidents/?killed_min=50&date_from=2016-01-01&date_to=2017-12-31",
    "/timeline/",
]


def seed(total: int, batch: int = 5000) -> None:
    have = Incident.objects.count()
    rng = random.Random(42)
    grades = [g.value for g in choices.Grade]
    countries = ["IQ", "SY", "YE", "AF", "SO"]
    start = datetime.date(2014, 1, 1)
    while have < total:
        rows = []
        for n in range(have, min(total, have + batch)):
            low = rng.randint(0, 60)
            high = low + rng.randint(0, 40)
            conceded = rng.random() < 0.1
            rows.append(Incident(
                code=f"BENCH-{n:07d}", title=f"Synthetic strike {n} near Mosul" if n % 97 == 0 else f"Synthetic strike {n}",
                date_start=start + datetime.timedelta(days=rng.randint(0, 365 * 5)), country=rng.choice(countries),
                admin1=f"Province {n % 18}", locality=f"Town {n % 500}", status=choices.Status.PUBLISHED,
                grade=rng.choice(grades), event_type=choices.EventType.AIRSTRIKE,
                reported_killed_min=low, reported_killed_max=high,
                conceded_killed_min=low if conceded else None, conceded_killed_max=low if conceded else None,
            ))
        Incident.objects.bulk_create(rows)
        have += len(rows)
        print(f"seeded {have:,} incidents", file=sys.stderr)


def measure(path: str, repeat: int) -> tuple[float, int]:
    client = Client(HTTP_HOST="127.0.0.1")
    timings, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(captured)
    return statistics.median(timings), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()  # lets the client see each page's context (its next cursor)
    seed(args.incidents)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{connection.vendor}, {Incident.objects.count():,} incidents")
    print(f"{'page':70} {'median ms':>10} {'queries':>8}")
    for path in PAGES:
        median, queries = measure(path, args.repeat)
        print(f"{path:70} {median * 1000:10.1f} {queries:8d}")
    # A deep page: follow the list's "next" cursor 200 pages in, then time that page.
    client, path = Client(HTTP_HOST="127.0.0.1"), "/incidents/"
    for _ in range(200):
        page = client.get(path).context["page"]
        if not page.next:
            break
        path = f"/incidents/?after={page.next.encode()}"
    median, queries = measure(path, args.repeat)
    print(f"{'/incidents/ 200 pages deep':70} {median * 1000:10.1f} {queries:8d}")

if __name__ == "__main__":
    main()
