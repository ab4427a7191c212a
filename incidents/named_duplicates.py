"""Possible duplicate sources and actors, for the editors' dashboard: pairs whose names read alike, and for sources
the same homepage domain. Each pair links to the merge screen (`sources.named_admin.merge_url`).

Two names are alike when, compared as the search compares them (`name_normalised`):
- they are equal ("AIRWARS" and "Airwars");
- one is contained in the other as whole words ("Airwars" and "Airwars monitoring");
- they are similar: on PostgreSQL pg_trgm's similarity ≥ `TRIGRAM_SIMILARITY`, through its trigram index; on SQLite
  difflib's ratio ≥ `DIFFLIB_RATIO`, over names sharing a word or their first letters (thousands of rows take well
  under a second).
The list is computed once per data version (`cache.cached_aggregate`) and holds at most `PAIRS_SHOWN` pairs.
"""

import difflib
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import connection, transaction

from sources.models import Source
from sources.text import normalise_url

from .cache import cached_aggregate

PAIRS_SHOWN = 50
TRIGRAM_SIMILARITY = 0.6
DIFFLIB_RATIO = 0.85
# Contained names shorter than this ("us", "is") would pair with half the list.
CONTAINED_MIN_LENGTH = 3
# A word shared by more names than this ("forces", "news") says nothing: it does not make candidates.
COMMON_WORD = 50
PREFIX = 4

SAME_NAME, SAME_DOMAIN, CONTAINED, SIMILAR = "same name", "same homepage domain", "one name contains the other", "similar names"
RANK = {SAME_NAME: 0, SAME_DOMAIN: 1, CONTAINED: 2, SIMILAR: 3}


@dataclass(frozen=True)
class Pair:
    first_pk: int
    first_name: str
    second_pk: int
    second_name: str
    reason: str
    score: float = 1.0


def homepage_host(url: str) -> str:
    """The host of a homepage as `normalise_url` reads it ("www." and case dropped); "" when there is none."""
    return urlsplit(normalise_url(url)).hostname or ""


def _contained(rows: dict[int, str]) -> set[tuple[int, int]]:
    """Pairs where one normalised name is a run of whole words of the other."""
    by_name = defaultdict(list)
    for pk, name in rows.items():
        by_name[name].append(pk)
    found = set()
    for pk, name in rows.items():
        words = name.split()
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                if end - start == len(words):
                    continue
                part = " ".join(words[start:end])
                if len(part) >= CONTAINED_MIN_LENGTH:
                    found.update((min(pk, other), max(pk, other)) for other in by_name.get(part, ()) if other != pk)
    return found


def _similar_python(rows: dict[int, str]) -> dict[tuple[int, int], float]:
    """difflib's ratio over candidate pairs: names sharing an uncommon word or their first letters."""
    blocks = defaultdict(set)
    for pk, name in rows.items():
        for word in set(name.split()):
            if len(word) >= CONTAINED_MIN_LENGTH:
                blocks[("word", word)].add(pk)
        blocks[("prefix", name[:PREFIX])].add(pk)
    found = {}
    for members in blocks.values():
        if len(members) < 2 or len(members) > COMMON_WORD:
            continue
        ordered = sorted(members)
        for index, first in enumerate(ordered):
            for second in ordered[index + 1:]:
                if (first, second) in found:
                    continue
                ratio = difflib.SequenceMatcher(None, rows[first], rows[second]).ratio()
                if ratio >= DIFFLIB_RATIO:
                    found[(first, second)] = ratio
    return found


def _similar_postgresql(model) -> dict[tuple[int, int], float]:
    """pg_trgm's similarity join, through the trigram index on name_normalised (migration 0030)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL pg_trgm.similarity_threshold = {float(TRIGRAM_SIMILARITY)}")
        cursor.execute(
            f"SELECT a.id, b.id, similarity(a.name_normalised, b.name_normalised) FROM {table} a JOIN {table} b "
            "ON a.name_normalised %% b.name_normalised AND a.id < b.id AND a.name_normalised <> b.name_normalised "
            "ORDER BY 3 DESC, a.id, b.id LIMIT %s",
            [PAIRS_SHOWN * 4],
        )
        return {(first, second): score for first, second, score in cursor.fetchall()}


def _pairs(queryset, limit: int) -> list[Pair]:
    model = queryset.model
    fields = ["pk", "name", "name_normalised", *(["homepage"] if model is Source else [])]
    records = list(queryset.values_list(*fields))
    names = {row[0]: row[1] for row in records}
    normalised = {row[0]: row[2] for row in records if row[2]}
    found: dict[tuple[int, int], tuple[str, float]] = {}

    def note(pairs, reason):
        for key, score in pairs:
            if key not in found or RANK[reason] < RANK[found[key][0]]:
                found[key] = (reason, score)

    groups = defaultdict(list)
    for pk, name in normalised.items():
        groups[name].append(pk)
    if model is Source:
        for pk, _name, _normalised, homepage in records:
            host = homepage_host(homepage)
            if host:
                groups[("host", host)].append(pk)
    for key, members in groups.items():
        members = sorted(members)
        reason = SAME_DOMAIN if isinstance(key, tuple) else SAME_NAME
        note((((a, b), 1.0) for index, a in enumerate(members) for b in members[index + 1:]), reason)
    note(((key, 1.0) for key in _contained(normalised)), CONTAINED)
    similar = _similar_postgresql(model) if connection.vendor == "postgresql" else _similar_python(normalised)
    note(similar.items(), SIMILAR)
    ranked = sorted(found.items(), key=lambda item: (RANK[item[1][0]], -item[1][1], item[0]))[:limit]
    return [Pair(a, names[a], b, names[b], reason, round(score, 2)) for (a, b), (reason, score) in ranked if a in names and b in names]


def possible_duplicates(model, limit: int = PAIRS_SHOWN) -> list[Pair]:
    """At most `limit` pairs of `model` (Source or Actor) that may be one record, surest first; kept per data version."""
    return cached_aggregate("named_duplicates", model.objects.order_by("pk"), _pairs, limit)
