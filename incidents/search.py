"""The text search of incidents: what is indexed, how a search matches, and how matches are ranked.

One normalisation (`sources.text.normalise_search`: case, accents, Arabic letter forms and article) makes both
the stored search text and the words asked, so Baghdad, Baghdād, BAGHDAD and بغداد, بَغْدَاد find the same
incidents, on both databases:

- each incident stores its words in three columns, kept by `Incident.save` and by every recompute (`search_texts`,
  `quote_texts`): `search_head` (title and place names), `search_body` (summary), `search_quotes` (the words of its
  claims that are not excluded and of its statements);
- a search that is a code, a former code or another dataset's id finds that record alone; otherwise it matches
  incidents in which every word asked starts a stored word ("Jadid" finds "al-Jadida"), words that spell a
  belligerent's name or alias ("Daesh", "US forces") finding the incidents naming it, as `?belligerent=` does;
- PostgreSQL reads a GIN index of the stored words as a `tsvector` built from our own words (`array_to_tsvector`,
  so its text parser and locale never re-split them), prefix-matched; SQLite reads the same columns with LIKE;
- relevance (`with_relevance`) ranks matches in the title and place names above matches in the summary and quotes,
  the whole phrase above scattered words, and among equals the best-documented incident (most sources): one whole
  number per row, so the keyset pages sort by it like any other column. A search of a belligerent's name alone has
  nothing to rank by (`ranks`): it lists newest first, as the belligerent filter does.
"""

from dataclasses import dataclass

from django.db.models import BooleanField, Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.expressions import Func
from django.db.models.functions import Least

from sources.text import normalise_search, search_words

from .cache import cached_aggregate
from .display import country_name
from .gazetteer import other_script_names

MAX_SEARCH_WORDS = 12
# Relevance: a tier times this, plus the number of sources (capped below it).
TIER = 1_000_000
PHRASE_IN_HEAD, WORDS_IN_HEAD, PHRASE_IN_TEXT = 8, 4, 2

SEARCH_FIELDS = ["search_head", "search_body", "search_quotes"]
# The incident's own fields its stored words are made of.
SEARCHED_FIELDS = {"title", "title_ar", "summary", "neighbourhood", "locality", "admin2", "admin1", "place_name_ar", "country"}


def search_texts(incident) -> dict[str, str]:
    """The incident's own stored search words: title (English and Arabic) and place names, with the places' names in
    the other script (head), summary (body)."""
    places = [incident.neighbourhood, incident.locality, incident.admin2, incident.admin1, incident.place_name_ar]
    # getattr: migrations before 0036 pass rows of a model without title_ar.
    head = " ".join([incident.title, getattr(incident, "title_ar", ""), *places, country_name(incident.country) if incident.country else ""])
    # The places' names in the other script too (بغداد finds "Baghdād"): `gazetteer`.
    words = " ".join(filter(None, [normalise_search(head), other_script_names(*places)]))
    return {"search_head": words, "search_body": normalise_search(incident.summary)}


def quote_texts(incident_ids, *, figures=None, statements=None) -> dict[int, str]:
    """The stored words of the quotes of each incident: its claims not excluded and its statements (two queries).

    `figures` and `statements`: the claim and statement models to read (a migration passes its historical ones).
    """
    from .bulk import among
    from .models import CasualtyFigure, OfficialStatement

    figures, statements = figures or CasualtyFigure, statements or OfficialStatement
    quotes: dict[int, list[str]] = {pk: [] for pk in incident_ids}
    selected = among(list(quotes))
    for pk, quote in figures.objects.filter(incident_id__in=selected, excluded=False).exclude(quote="").order_by(
        "incident_id", "pk"
    ).values_list("incident_id", "quote"):
        quotes[pk].append(quote)
    for pk, quote in statements.objects.filter(incident_id__in=selected).exclude(quote="").order_by(
        "incident_id", "pk"
    ).values_list("incident_id", "quote"):
        quotes[pk].append(quote)
    return {pk: normalise_search(" ".join(words)) for pk, words in quotes.items()}




class SearchDocument(Func):
    """PostgreSQL: the incident's stored words as a `tsvector`, as the GIN index `incident_search_words` holds it."""

    template = "array_to_tsvector(array_remove(string_to_array(%(expressions)s, ' '), ''))"
    arg_joiner = " || ' ' || "

    def __init__(self):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(*(F(name) for name in SEARCH_FIELDS), output_field=SearchVectorField())


class Matches(Func):
    """PostgreSQL: the stored words match a `tsquery` written from our own words (cast, so never re-parsed)."""

    template = "%(expressions)s::tsquery"
    arg_joiner = " @@ "
    output_field = BooleanField()


class Padded(Func):
    """Stored words between spaces, so that " word" finds a word that starts with it (SQLite and relevance)."""

    template = "(' ' || %(expressions)s || ' ')"
    arg_joiner = " || ' ' || "


def _starts_words(expression, words: list[str]) -> Q:
    return Q(*(Q(**{f"{expression}__contains": f" {word}"}) for word in words))


def _text_has(words: list[str], *, postgres: bool) -> Q:
    """Incidents in whose stored words every word asked starts a word."""
    if not words:
        return Q()
    if postgres:
        return Q(Matches(SearchDocument(), Value(" & ".join(f"'{word}':*" for word in words))))
    return _starts_words("search_all", words)


def actor_names(actors=None) -> list[tuple[str, int]]:
    """(normalised name or alias, actor id) of every actor (or of `actors`), longest first: what a search recognises
    as a belligerent."""
    from .models import Actor, ActorAlias

    def compute(queryset):
        names = queryset.exclude(name_normalised="").values_list("name_normalised", "pk").union(
            ActorAlias.objects.filter(actor__in=queryset.values("pk")).order_by().values_list("name_normalised", "actor_id")
        )
        return sorted(set(names), key=lambda pair: (-len(pair[0].split()), pair[0]))

    return cached_aggregate("actor-names", (Actor.objects.all() if actors is None else actors).order_by(), compute)


def named_actors(words: list[str]) -> tuple[list[set[int]], list[str]]:
    """The actors whose whole name or alias the words spell, in order (one set of actors per name found: a name or
    alias may be shared), and the words left over.

    "daesh mosul" gives [{the Islamic State}] and ["mosul"]; "us forces" [{the United States' forces}] and [].
    """
    groups, rest, index = [], [], 0
    names = actor_names()
    while index < len(words):
        for name, _actor_id in names:
            parts = name.split()
            if words[index:index + len(parts)] == parts:
                groups.append({other for candidate, other in names if candidate == name})
                index += len(parts)
                break
        else:
            rest.append(words[index])
            index += 1
    return groups, rest


def _naming(actor_ids) -> Q:
    from .models import BelligerentRoleLink

    return Q(Exists(BelligerentRoleLink.objects.filter(incident=OuterRef("pk"), actor_id__in=sorted(actor_ids))))


def exact_ids(text: str) -> list[int]:
    """Incidents whose code is the text, that once had it as their code, or that another dataset knows by it."""
    from .models import ExternalIdentifier, Incident, IncidentAlias

    return list(
        Incident.objects.filter(code=text.upper()).order_by().values_list("pk", flat=True)
        .union(
            ExternalIdentifier.objects.filter(identifier=text).order_by().values_list("incident_id", flat=True),
            IncidentAlias.objects.filter(code=text.upper()).order_by().values_list("incident_id", flat=True),
        )[:100]
    )


def _prepare(queryset, postgres: bool):
    if postgres:
        return queryset
    return queryset.alias(search_all=Padded(*(F(name) for name in SEARCH_FIELDS)))


@dataclass(frozen=True)
class Query:
    """A search as typed, read once: its words, the belligerents they name, and the words left to match as text."""

    text: str
    words: tuple = ()
    actor_groups: tuple = ()
    rest: tuple = ()

    @classmethod
    def of(cls, value) -> "Query":
        if isinstance(value, Query):
            return value
        text = (value or "").strip()
        words = search_words(text, MAX_SEARCH_WORDS)
        groups, rest = named_actors(words) if words else ([], [])
        return cls(text, tuple(words), tuple(frozenset(group) for group in groups), tuple(rest))

    @property
    def ranks(self) -> bool:
        """Whether there are words to rank by (not only a belligerent's name: those matches would all rank alike)."""
        return bool(self.rest)


def match_text(queryset, value):
    """Incidents the text (or `Query`) finds (see the module's docstring). The public search (`?q=`) and the editors'
    incident chooser share it.

    A code or another dataset's id finds that record alone. Words that spell a belligerent's name or alias find the
    incidents naming it (as `?belligerent=` does), the other words the incidents whose words they start.
    """
    from django.conf import settings

    query = Query.of(value)
    if not query.text:
        return queryset
    ids = exact_ids(query.text)
    if ids or not query.words:
        return queryset.filter(pk__in=ids)
    postgres = settings.IS_POSTGRES
    found = _text_has(list(query.rest), postgres=postgres)
    for actors in query.actor_groups:
        found &= _naming(actors)
    return _prepare(queryset, postgres).filter(found)


def with_relevance(queryset, value):
    """The matches annotated with `relevance`: a whole number, highest first (see the module's docstring).

    Ranked on the words that are not a belligerent's name (every match names it alike).
    """
    words = list(Query.of(value).rest)
    phrase = " ".join(words)
    queryset = queryset.alias(
        search_head_padded=Padded(F("search_head")),
        search_text_padded=Padded(F("search_body"), F("search_quotes")),
    )
    score = Value(0)
    if len(words) == 1:  # the phrase is the word: one test, both tiers
        score = Case(
            When(Q(search_head_padded__contains=f" {phrase}"), then=Value((PHRASE_IN_HEAD + WORDS_IN_HEAD) * TIER)),
            default=Value(0), output_field=IntegerField(),
        )
    elif words:
        score = Case(
            When(Q(search_head_padded__contains=f" {phrase}"), then=Value(PHRASE_IN_HEAD * TIER)),
            default=Value(0), output_field=IntegerField(),
        ) + Case(
            When(_starts_words("search_head_padded", words), then=Value(WORDS_IN_HEAD * TIER)),
            default=Value(0), output_field=IntegerField(),
        )
    if len(words) > 1:
        # One word found outside the head is in the summary or quotes by definition: reading their (long) text for
        # it would say nothing new, and would cost the longest part of the search at a million incidents.
        score = score + Case(
            When(Q(search_text_padded__contains=f" {phrase}"), then=Value(PHRASE_IN_TEXT * TIER)),
            default=Value(0), output_field=IntegerField(),
        )
    return queryset.annotate(relevance=score + Least(F("sources_count"), Value(TIER - 1)))


def _vocabulary() -> list[str]:
    """Words a misspelt search is compared with: the gazetteer's place names and the public belligerents' names and
    aliases (a suggestion never spells an actor named only on a draft)."""
    from .gazetteer import PLACES
    from .models import Actor

    names = [normalise_search(name) for name in PLACES] + [normalise_search(name) for names in PLACES.values() for name in names]
    actors = [name for name, _ in actor_names(Actor.objects.public())]
    return sorted({word for name in names + actors for word in name.split() if len(word) > 2})


def suggestion(value) -> str:
    """A search that found nothing, respelt with the nearest known place or belligerent words ("Mosl" → "mosul"), or ""
    when no word is near one (difflib: the same answer on both databases)."""
    import difflib

    query = Query.of(value)
    if not query.rest:
        return ""
    vocabulary = _vocabulary()
    respelt = [(difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75) or [word])[0] for word in query.words]
    return " ".join(respelt) if respelt != list(query.words) else ""
