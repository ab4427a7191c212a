"""The benchmark's look inside the site: what the data holds, and the SQL a page sends (run by bench/run.py).

    python bench/inprocess.py count            -> {"incidents": ..., "published": ...}
    python bench/inprocess.py discover         -> real codes, slugs, words and cursors to put in the URLs
    python bench/inprocess.py sql < urls.json  -> per URL: the queries the view sends and PostgreSQL's (or SQLite's) own time

It runs with the same settings and database as the server it describes (the environment bench/run.py gives it).
Nothing here is a code path of the site: `sql` calls the views through Django's test client, as a request would.
"""

import json
import os
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casualtytracker.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from incidents.filters import IncidentFilter  # noqa: E402
from incidents.models import Actor, ActorAlias, BelligerentRoleLink, CasualtyFigure, Conflict, Incident, Position, Victim  # noqa: E402
from sources.models import Source  # noqa: E402

EXPORT_ROWS = 100_000
SQL_REPEAT = int(os.environ.get("BENCH_SQL_REPEAT", "5"))
DECLARED = re.compile(r"^DECLARE\s.*?\sCURSOR\s.*?\bFOR\s", re.IGNORECASE | re.DOTALL)
MAP_URL_NAMES = ("map_data", "map-data", "map_geojson", "map")


def count() -> dict:
    return {"incidents": Incident.objects.count(), "published": Incident.objects.published().count()}


def _most_common(queryset, field: str):
    row = queryset.exclude(**{field: ""}).values(field).annotate(n=Count("pk")).order_by("-n", field).first()
    return row[field] if row else ""


def search_words(text: str) -> list[str]:
    """The words of a text as the data spells them (accents and Arabic forms kept: the benchmark wants them)."""
    return re.findall(r"[^\W_]+", text or "")


def _unaccented(word: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKD", word) if not unicodedata.combining(char))


def _search_words(published) -> dict:
    """An accented Latin word, the same word without its accents, and an Arabic word, as the data spells them."""
    accented = arabic = ""
    for field in ("locality", "admin1", "admin2", "neighbourhood"):
        values = published.exclude(**{field: ""}).values(field).annotate(n=Count("pk")).order_by("-n")[:300]
        for row in values:
            for word in search_words(row[field]):
                if not accented and word != _unaccented(word) and word.isascii() is False and _unaccented(word).isascii():
                    accented = word
        if accented:
            break
    for row in published.exclude(place_name_ar="").values("place_name_ar").annotate(n=Count("pk")).order_by("-n")[:50]:
        words = [word for word in search_words(row["place_name_ar"]) if len(word) > 2]
        if words:
            arabic = max(words, key=len)
            break
    # The Arabic word as another writer may type it: vowel marks on, a tatweel in the middle.
    respelled = (arabic[0] + "\u064e" + arabic[1:2] + "\u0640" + arabic[2:]) if arabic else ""
    alias = ActorAlias.objects.filter(actor__in=Actor.objects.public()).order_by("name").values_list("name", flat=True).first()
    return {"accented": accented, "unaccented": _unaccented(accented).lower() if accented else "", "arabic": arabic,
            "arabic_respelled": respelled, "alias": alias or ""}


def discover() -> dict:
    """Real values from the published data for every URL of the benchmark (the most common ones: worst cases)."""
    published = Incident.objects.published()
    country = _most_common(published, "country")
    dates = published.order_by("-date_start").values_list("date_start", flat=True)
    newest = dates.first()
    belligerent = (BelligerentRoleLink.objects.filter(incident__in=published.values("pk")).values("actor")
                   .annotate(n=Count("pk")).order_by("-n", "actor").first())
    conflict = published.exclude(conflict=None).values("conflict").annotate(n=Count("pk")).order_by("-n", "conflict").first()
    position = Position.objects.published().values("stance").annotate(n=Count("pk")).order_by("-n", "stance").first()
    holder = Position.objects.published().values("actor").annotate(n=Count("pk")).order_by("-n", "actor").first()
    claims = (CasualtyFigure.objects.published().values("incident").annotate(n=Count("pk")).order_by("-n", "incident").first())
    victim = Victim.objects.published().exclude(name="").order_by("pk").values_list("name", flat=True).first()
    source = Source.objects.public().order_by("slug").first()
    public_actors = Actor.objects.public()
    found = {
        "country": country,
        "admin1": _most_common(published.filter(country=country), "admin1") if country else "",
        "belligerent": public_actors.filter(pk=belligerent["actor"]).values_list("slug", flat=True).first() if belligerent else "",
        "conflict": Conflict.objects.public().filter(pk=conflict["conflict"]).values_list("slug", flat=True).first() if conflict else "",
        "stance": position["stance"] if position else "",
        "stance_by": public_actors.filter(pk=holder["actor"]).values_list("slug", flat=True).first() if holder else "",
        "source": source.slug if source else "",
        "victim": (search_words(victim) or [""])[-1] if victim else "",
        "event_type": _most_common(published, "event_type"),
        "grade": _most_common(published, "grade"),
        "incident": (Incident.objects.filter(pk=claims["incident"]).values_list("code", flat=True).first() if claims
                     else published.order_by("pk").values_list("code", flat=True).first()),
        "incident_claims": claims["n"] if claims else 0,
        "year_from": f"{newest.year - 1}-01-01" if newest else "",
        "year_to": f"{newest.year - 1}-12-31" if newest else "",
        "map_url": _map_url(),
        **_search_words(published),
    }
    found["export"] = _export_query(published)
    return found


def _map_url() -> str:
    for name in MAP_URL_NAMES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def _export_query(published) -> dict:
    """The query string of an export of about EXPORT_ROWS incidents: the newest ones, cut at a day (the list's own filter)."""
    total = published.count()
    if total <= EXPORT_ROWS:
        return {"query": "", "rows": total}
    day = published.order_by("-date_start", "-pk").values_list("date_start", flat=True)[EXPORT_ROWS - 1]
    query = f"date_from={day.isoformat()}"
    rows = IncidentFilter({"date_from": day.isoformat()}, queryset=published).qs.count()
    return {"query": query, "rows": rows}


def _timed_raw(statements: list[str]) -> float:
    """Milliseconds the database takes to execute these statements and hand over every row (median of SQL_REPEAT runs)."""
    raw = connection.connection  # the DB-API connection: no Django in the way
    runs = []
    for _ in range(SQL_REPEAT):
        started = time.perf_counter()
        for sql in statements:
            cursor = raw.cursor()
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()
            cursor.close()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def sql(urls: list[str]) -> dict:
    """For each URL: how many queries the view sends, and how long the database itself takes to run them."""
    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    for url in urls:
        client.get(url)  # warm: caches, the connection
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            if getattr(response, "streaming", False):
                for _ in response.streaming_content:
                    pass
        statements = [query["sql"] for query in captured.captured_queries]
        # A streamed export reads through a server-side cursor: time the SELECT it declares.
        unwrapped = [DECLARED.sub("", text) for text in statements]
        reads = [text for text in unwrapped if text.lstrip("( ").upper().startswith(("SELECT", "WITH"))]
        connection.ensure_connection()
        results[url] = {"status": response.status_code, "queries": len(statements), "sql_ms": _timed_raw(reads),
                        "timed_statements": len(reads)}
    return results


def main() -> None:
    command = sys.argv[1]
    if command == "count":
        result = count()
    elif command == "discover":
        result = discover()
    elif command == "sql":
        result = sql(json.load(sys.stdin))
    else:
        raise SystemExit(f"unknown command {command!r}: count, discover or sql")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
