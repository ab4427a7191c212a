"""Aliases in the admin: found by name or alias however typed (search and autocomplete), one alias names one record,
the imports' lookups; possible duplicate sources and actors on the dashboard; a source's kind corrected in bulk."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from incidents import aliases, named_duplicates
from incidents.models import Actor, ActorAlias
from sources.choices import SourceKind
from sources.models import Source, SourceAlias
from sources.named_admin import merge_url
from tests import factories
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def islamic_state():
    actor = factories.ActorFactory(name="Islamic State", slug="islamic-state")
    for name in ("Daesh", "ISIL", "الدولة الإسلامية"):
        ActorAlias.objects.create(actor=actor, name=name)
    return actor


# Finding a record by a name however typed.


def test_find_actor_by_exact_name_normalised_name_or_alias(islamic_state):
    assert aliases.find_actor("Islamic State") == islamic_state
    assert aliases.find_actor("ISLAMIC  state") == islamic_state
    assert aliases.find_actor("daesh") == islamic_state
    # Arabic letter forms and the article fold: the same alias typed another way.
    assert aliases.find_actor("دولة اسلامية") == islamic_state
    assert aliases.find_actor("Islamic") is None and aliases.find_actor("") is None


def test_exact_name_comes_first(db):
    loose = factories.ActorFactory(name="AIRWARS", slug="airwars-loud")
    exact = factories.ActorFactory(name="Airwars")
    assert aliases.find_actor("Airwars") == exact and aliases.find_actor("AIRWARS") == loose
    source = factories.SourceFactory(name="Example News")
    SourceAlias.objects.create(source=source, name="Example")
    assert aliases.find_sources(["example", "example news", "nothing"]) == {"example": source, "example news": source}


# The admin's search and autocomplete.


@pytest.mark.parametrize("typed", ["daesh", "DAESH", "Isil", "الإسلامية", "islamic"])
def test_actor_search_finds_name_or_alias(editor_client, islamic_state, typed):
    factories.ActorFactory(name="US forces")
    response = editor_client.get(reverse("admin:incidents_actor_changelist"), {"q": typed})
    assert [actor.pk for actor in response.context["cl"].result_list] == [islamic_state.pk]


def test_autocomplete_elsewhere_finds_aliases(editor_client, islamic_state):
    response = editor_client.get(reverse("admin:autocomplete"), {
        "app_label": "incidents", "model_name": "belligerentrolelink", "field_name": "actor", "term": "daesh",
    })
    assert [row["id"] for row in response.json()["results"]] == [str(islamic_state.pk)]


def test_source_search_finds_alias_once(editor_client):
    source = factories.SourceFactory(name="The Washington Post")
    SourceAlias.objects.create(source=source, name="WaPo")
    SourceAlias.objects.create(source=source, name="WaPo daily")
    response = editor_client.get(reverse("admin:sources_source_changelist"), {"q": "wapo"})
    assert [found.pk for found in response.context["cl"].result_list] == [source.pk]


# One alias names one record.


def _with_alias(client, record, name):
    url = reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk])
    data = form_data(client.get(url))
    data.update({"aliases-TOTAL_FORMS": str(int(data["aliases-TOTAL_FORMS"]) + 1), "aliases-0-name": name})
    return client.post(url, data)


@pytest.mark.parametrize("name", ["US forces", "us FORCES", "CENTCOM", "centcom"])
def test_alias_may_not_name_another_record(editor_client, name):
    us = factories.ActorFactory(name="US forces")
    ActorAlias.objects.create(actor=us, name="CENTCOM")
    other = factories.ActorFactory(name="Iraqi security forces")
    response = _with_alias(editor_client, other, name)
    assert response.status_code == 200
    errors = str(response.context["inline_admin_formsets"][0].formset.errors)
    assert "already names" in errors and "US forces" in errors
    assert not other.aliases.exists()


def test_alias_without_words_or_twice_is_a_form_error(editor_client):
    actor = factories.ActorFactory()
    response = _with_alias(editor_client, actor, "—")
    assert "at least one letter" in str(response.context["inline_admin_formsets"][0].formset.errors)


def test_alias_saved_with_history(editor_client, editor):
    source = factories.SourceFactory(name="Airwars")
    response = _with_alias(editor_client, source, "Airwars.org")
    assert response.status_code == 302
    alias = source.aliases.get()
    assert (alias.name, alias.name_normalised, alias.former_slug) == ("Airwars.org", "airwars org", None)
    assert alias.history.get().history_user_id == editor.pk


# Possible duplicates on the dashboard.


def test_possible_duplicate_sources(db):
    airwars = factories.SourceFactory(name="Airwars", homepage="https://airwars.org/")
    shouting = factories.SourceFactory(name="AIRWARS!", slug="airwars-2")
    same_site = factories.SourceFactory(name="Air Wars monitor", homepage="http://www.AIRWARS.org/about")
    monitor = factories.SourceFactory(name="Example Monitor")
    longer = factories.SourceFactory(name="Example Monitor Iraq")
    typo = factories.SourceFactory(name="Al Jazeera English")
    typo2 = factories.SourceFactory(name="Al Jazera English")
    factories.SourceFactory(name="Unrelated Outlet")

    pairs = {(p.first_pk, p.second_pk): p.reason for p in named_duplicates.possible_duplicates(Source)}

    assert pairs[(airwars.pk, shouting.pk)] == named_duplicates.SAME_NAME
    assert pairs[(airwars.pk, same_site.pk)] == named_duplicates.SAME_DOMAIN
    assert pairs[(monitor.pk, longer.pk)] == named_duplicates.CONTAINED
    assert pairs[(typo.pk, typo2.pk)] == named_duplicates.SIMILAR
    assert len(pairs) == 4


def test_possible_duplicates_are_bounded(db, monkeypatch):
    for number in range(8):
        factories.ActorFactory(name=f"Force {number}")
        factories.ActorFactory(name=f"FORCE {number}!", slug=f"force-{number}-b")
    assert len(named_duplicates.possible_duplicates(Actor, limit=5)) == 5


def test_reviewer_dashboard_links_pairs_to_the_merge_screen(reviewer_client, django_assert_max_num_queries):
    first, second = factories.ActorFactory(name="Islamic State"), factories.ActorFactory(name="ISLAMIC STATE", slug="is-2")
    with django_assert_max_num_queries(30):
        response = reviewer_client.get(reverse("admin:index"))
    assert "Possible duplicate actors" in response.content.decode()
    assert merge_url(Actor, first.pk, second.pk).replace("&", "&amp;") in response.content.decode()
    assert reviewer_client.get(merge_url(Actor, first.pk, second.pk)).status_code == 200


def test_editor_dashboard_has_no_merge_queue(editor_client):
    factories.ActorFactory(name="Islamic State"), factories.ActorFactory(name="ISLAMIC STATE", slug="is-2")
    assert "Possible duplicate" not in editor_client.get(reverse("admin:index")).content.decode()


# A source's kind corrected in bulk.


def _change_kind(client, sources, kind=None):
    data = {"action": "change_kind_selected", "_selected_action": [source.pk for source in sources]}
    if kind is not None:
        data.update({"confirm": "yes", "kind": kind})
    return client.post(reverse("admin:sources_source_changelist"), data, follow=kind is not None)


def test_change_kind_asks_then_writes_each_with_history(editor_client, editor):
    sources = factories.SourceFactory.create_batch(3, kind=SourceKind.NEWS_OUTLET)
    already = factories.SourceFactory(kind=SourceKind.MONITORING_GROUP)
    untouched = factories.SourceFactory(kind=SourceKind.NEWS_OUTLET)

    confirm = _change_kind(editor_client, [*sources, already])
    assert confirm.status_code == 200 and "New kind" in confirm.content.decode()
    assert Source.objects.filter(kind=SourceKind.MONITORING_GROUP).count() == 1

    done = _change_kind(editor_client, [*sources, already], SourceKind.MONITORING_GROUP)
    message = [str(m) for m in done.context["messages"]][0]
    assert "Changed the kind of 3 of 4 selected sources" in message and "1 already were" in message
    for source in sources:
        row = source.history.order_by("-history_id").first()
        assert (row.kind, row.history_change_reason, row.history_user_id) == (SourceKind.MONITORING_GROUP, "Kind corrected in bulk", editor.pk)
    assert already.history.count() == 1
    untouched.refresh_from_db()
    assert untouched.kind == SourceKind.NEWS_OUTLET


def test_change_kind_needs_change_permission(client):
    viewer = get_user_model().objects.create_user("viewer", "viewer@example.org", "pw-viewer-123", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_source"))
    client.force_login(viewer)
    source = factories.SourceFactory(kind=SourceKind.NEWS_OUTLET)
    _change_kind(client, [source], SourceKind.MILITARY)
    source.refresh_from_db()
    assert source.kind == SourceKind.NEWS_OUTLET and source.history.count() == 1


def test_bad_kind_is_a_form_error(editor_client):
    source = factories.SourceFactory(kind=SourceKind.NEWS_OUTLET)
    response = _change_kind(editor_client, [source], "not-a-kind")
    assert response.status_code == 200 and response.context["form"].errors["kind"]
    source.refresh_from_db()
    assert source.kind == SourceKind.NEWS_OUTLET
