"""Finding a source or an actor by a name however it is typed: its exact name, else its name or one of its aliases
compared as the search compares them (`sources.text.normalise_search`). Used by the imports, so that "Daesh" or the
old name of a merged source finds the record there is instead of creating another, and by the admin (search, and
the rule that one alias names one record).
"""

from django.db.models import Q

from sources.models import Source
from sources.text import normalise_search

from .models import Actor

LOOKUP_CHUNK = 500


def normalised_name(name: str) -> str:
    """A name as it is stored in `name_normalised` (the field holds 200 characters)."""
    return normalise_search(name)[:200]


def alias_relation(model) -> tuple:
    """The alias model of `model` (Source or Actor) and the name of its foreign key to it."""
    relation = model._meta.get_field("aliases")
    return relation.related_model, relation.field.name


def _chunks(items: list) -> list[list]:
    return [items[start:start + LOOKUP_CHUNK] for start in range(0, len(items), LOOKUP_CHUNK)]


def find_many(model, names) -> dict:
    """The record each name finds, by name: its exact name first, then an equal normalised name (the oldest record
    when several share it), then an alias. Names that find nothing are left out. A fixed number of queries per
    `LOOKUP_CHUNK` names, so an import of thousands of names reads them in a few."""
    names = [name for name in dict.fromkeys(names) if name]
    keys = {name: normalised_name(name) for name in names}
    alias_model, to_record = alias_relation(model)
    exact, by_name, by_alias = {}, {}, {}
    for chunk in _chunks(names):
        exact.update((record.name, record) for record in model.objects.filter(name__in=chunk))
    for chunk in _chunks(sorted(set(keys.values()) - {""})):
        for record in model.objects.filter(name_normalised__in=chunk).order_by("pk"):
            by_name.setdefault(record.name_normalised, record)
        for alias in alias_model.objects.filter(name_normalised__in=chunk).select_related(to_record):
            by_alias[alias.name_normalised] = getattr(alias, to_record)
    found = {}
    for name in names:
        record = exact.get(name) or by_name.get(keys[name]) or by_alias.get(keys[name])
        if record is not None:
            found[name] = record
    return found


def find_actor(name: str) -> Actor | None:
    """The actor this name (or alias) names, or None."""
    return find_many(Actor, [name]).get(name)


def find_source(name: str) -> Source | None:
    """The source this name (or alias) names, or None."""
    return find_many(Source, [name]).get(name)


def find_actors(names) -> dict[str, Actor]:
    return find_many(Actor, names)


def find_sources(names) -> dict[str, Source]:
    return find_many(Source, names)


def name_taken_by(model, name: str, *, record_pk=None, alias_pk=None):
    """Another record whose name or alias reads as `name` (normalised), or None: an alias may not name two records.

    `record_pk` is the record the alias belongs to (its own name is no clash); `alias_pk` the alias being edited."""
    key = normalised_name(name)
    if not key:
        return None
    alias_model, to_record = alias_relation(model)
    named = model.objects.filter(name_normalised=key).exclude(pk=record_pk).order_by("pk").first()
    if named is not None:
        return named
    aliases = alias_model.objects.filter(name_normalised=key).exclude(pk=alias_pk).select_related(to_record)
    alias = aliases.first()
    return getattr(alias, to_record) if alias is not None else None


def search_filter(model, query: str) -> Q:
    """Records of `model` whose name contains what was typed, or whose name or an alias contains it normalised (the
    aliases read by a subquery, so a record with several matching aliases is found once)."""
    key = normalised_name(query)
    found = Q(name__icontains=query.strip())
    if key:
        alias_model, to_record = alias_relation(model)
        matching = alias_model.objects.filter(name_normalised__contains=key).values(f"{to_record}_id")
        found |= Q(name_normalised__contains=key) | Q(pk__in=matching)
    return found
