"""The text search: one normalisation for index and query, on both databases; aliases; relevance; nothing hidden found."""

import datetime

import pytest
from django.urls import reverse

from incidents import choices, pagination, services
from incidents.filters import IncidentFilter
from incidents.models import ActorAlias, Incident
from sources.text import normalise_search
from tests import factories

pytestmark = pytest.mark.django_db
URL = reverse("incident_list")
API = "/api/v1/incidents/"


def codes(response) -> list[str]:
    assert response.status_code == 200
    return [incident.code for incident in response.context["page"].rows]


def published(**fields) -> Incident:
    fields.setdefault("locality", "")
    fields.setdefault("admin1", "")
    return factories.IncidentFactory(status=choices.Status.PUBLISHED, **fields)


# --- the normalisation ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("variants", "expected"), [
    (["Baghdad", "Baghdād", "BAGHDAD", "baghdâd", "Bag\u0306hdad"], "baghdad"),
    (["بغداد", "بَغْدَاد", "بغـــداد"], "بغداد"),
    (["الموصل", "الْمَوْصِل", "موصل", "بالموصل", "والموصل"], "موصل"),
    (["إدلب", "أدلب", "ادلب", "آدلب"], "ادلب"),
    (["مدرسة", "مدرسه"], "مدرسه"),
    (["مستشفى", "مستشفي"], "مستشفي"),
    (["Nīnawá", "NINAWA", "Ninawa"], "ninawa"),
    (["ʿAyn al-ʿArab", "Ayn al Arab", "'Ayn al-'Arab"], "ayn al arab"),
    (["٢٠١٧", "2017", "۲۰۱۷"], "2017"),
])
def test_spellings_normalise_alike(variants, expected):
    assert {normalise_search(text) for text in variants} == {expected}


# --- equivalent searches on this database ----------------------------------------------------------------------------

@pytest.fixture
def baghdad():
    """Baghdad in both scripts, in Latin letters only, in Arabic only; and an incident elsewhere."""
    return {
        "both": published(title="Airstrike on a market", locality="Baghdād", admin1="Baghdad", place_name_ar="بغداد"),
        "latin": published(title="Shelling near BAGHDAD airport"),
        "arabic": published(title="غارة على سوق", place_name_ar="بَغْدَاد"),
        "elsewhere": published(title="Airstrike in Basra", locality="Basra"),
    }


@pytest.mark.parametrize("text", ["Baghdad", "Baghdād", "BAGHDAD", "baghdad", "Bağhdâd"])
def test_every_latin_spelling_of_baghdad_finds_the_same_incidents(client, baghdad, text):
    # The Arabic-only record too: its place is known to the gazetteer (incidents.gazetteer).
    assert set(codes(client.get(URL, {"q": text}))) == {baghdad["both"].code, baghdad["latin"].code, baghdad["arabic"].code}


@pytest.mark.parametrize("text", ["بغداد", "بَغْدَاد", "بغـداد", "بِبَغْدَادَ"[1:]])
def test_every_arabic_spelling_of_baghdad_finds_the_same_incidents(client, baghdad, text):
    # "Shelling near BAGHDAD airport" names Baghdad in its title only, not as its place: not found in Arabic.
    assert set(codes(client.get(URL, {"q": text}))) == {baghdad["both"].code, baghdad["arabic"].code}


@pytest.mark.parametrize("text", ["الموصل", "موصل", "الْمَوْصِل", "بالموصل"])
def test_arabic_article_and_diacritics_do_not_matter(client, text):
    mosul = published(title="قصف في الموصل")
    published(title="قصف في حلب")
    assert codes(client.get(URL, {"q": text})) == [mosul.code]


def test_words_start_words_and_all_must_match(client):
    jadida = published(title="Strike", locality="Mosul al-Jadida")
    published(title="Strike", locality="Mosul")
    assert codes(client.get(URL, {"q": "Jadid mosul"})) == [jadida.code]


def test_arabic_quote_is_searchable_and_follows_the_claim(client):
    incident = published(title="Strike")
    claim = factories.FigureFactory(incident=incident, quote="قُتل ١٢ مدنياً في حيّ الزنجيلي")
    assert codes(client.get(URL, {"q": "الزنجيلي"})) == [incident.code]
    services.exclude_claim(claim=claim, reason="Duplicate of another report")
    assert codes(client.get(URL, {"q": "الزنجيلي"})) == []


def test_country_name_is_searchable(client):
    syria = published(title="Strike", country="SY", locality="Raqqa")
    published(title="Strike", country="IQ", locality="Mosul")
    assert codes(client.get(URL, {"q": "raqqa syria"})) == [syria.code]


# --- nothing hidden is found -----------------------------------------------------------------------------------------

def test_hidden_things_are_not_found(client):
    factories.IncidentFactory(title="Zanjili draft strike", status=choices.Status.DRAFT)
    shown = published(title="Strike", summary="A house was hit.")
    factories.FigureFactory(incident=shown, quote="excluded words zanjili", excluded=True, excluded_reason="Unreliable")
    factories.VictimFactory(incident=shown, name="Zanjili Private", visibility=choices.Visibility.PRIVATE)
    secret = factories.SourceFactory(name="Zanjili Local Network", is_confidential=True, public_label="local source")
    factories.FigureFactory(incident=shown, report=factories.ReportFactory(source=secret, title="Zanjili report"))
    assert codes(client.get(URL, {"q": "zanjili"})) == []
    assert client.get(API, {"q": "zanjili"}).json()["results"] == []


# --- aliases ----------------------------------------------------------------------------------------------------------

@pytest.fixture
def islamic_state():
    actor = factories.ActorFactory(name="Islamic State", kind=choices.ActorKind.NON_STATE)
    for alias in ["ISIS", "ISIL", "Daesh", "IS", "داعش", "Islamic State of Iraq and the Levant"]:
        ActorAlias.objects.create(actor=actor, name=alias)
    return actor


@pytest.mark.parametrize("text", ["ISIS", "isil", "Daesh", "DAESH", "داعش", "Islamic State", "islamic state of iraq and the levant"])
def test_an_actor_is_found_by_any_alias(client, islamic_state, text):
    incident = published(title="Shelling of a school", locality="Mosul")
    factories.BelligerentRoleFactory(incident=incident, actor=islamic_state)
    published(title="Shelling of a school", locality="Mosul")
    assert codes(client.get(URL, {"q": text})) == [incident.code]


def test_an_alias_combines_with_other_words(client, islamic_state):
    mosul, raqqa = published(title="Shelling", locality="Mosul"), published(title="Shelling", locality="Raqqa")
    for incident in (mosul, raqqa):
        factories.BelligerentRoleFactory(incident=incident, actor=islamic_state)
    assert codes(client.get(URL, {"q": "Daesh Mosul"})) == [mosul.code]


def test_an_alias_is_one_record_only(islamic_state):
    from django.db import IntegrityError, transaction

    other = factories.ActorFactory(name="Another group")
    with pytest.raises(IntegrityError), transaction.atomic():
        ActorAlias.objects.create(actor=other, name="DAESH")


# --- relevance ---------------------------------------------------------------------------------------------------------

@pytest.fixture
def mosul_search():
    """Five incidents that all match "Mosul" in different places; the intended one is the dam strike, best documented."""
    quote_only = published(title="Strike on a bridge", locality="Qayyarah", date_start=datetime.date(2017, 5, 1))
    factories.FigureFactory(incident=quote_only, quote="people fled to Mosul")
    summary_only = published(title="Strike on a bakery", summary="Residents of Mosul said…", date_start=datetime.date(2017, 4, 1))
    scattered = published(title="Dam guards killed near the city", summary="Mosul police said", date_start=datetime.date(2017, 6, 1))
    title = published(title="Strike on Mosul Dam", locality="Mosul", date_start=datetime.date(2016, 1, 1))
    for _ in range(3):
        services.link_report(incident=title, report=factories.ReportFactory())
    lesser = published(title="Shelling at Mosul Dam", locality="Mosul", date_start=datetime.date(2016, 2, 1))
    return {"quote": quote_only, "summary": summary_only, "scattered": scattered, "title": title, "lesser": lesser}


def test_relevance_puts_the_intended_incident_first(client, mosul_search):
    found = codes(client.get(URL, {"q": "Mosul dam"}))
    assert found[:2] == [mosul_search["title"].code, mosul_search["lesser"].code]
    assert found[2] == mosul_search["scattered"].code  # both words, apart: after the phrase


def test_title_and_place_matches_come_before_summary_and_quotes(client, mosul_search):
    found = codes(client.get(URL, {"q": "mosul"}))
    assert found[:2] == [mosul_search["title"].code, mosul_search["lesser"].code]
    assert set(found[2:]) == {mosul_search[name].code for name in ("quote", "summary", "scattered")}


def test_relevance_is_the_default_only_with_a_search_and_other_sorts_stay(client, mosul_search):
    assert IncidentFilter({"q": "mosul"}).sort_key == "relevance"
    assert IncidentFilter({}).sort_key == "-date"
    assert IncidentFilter({"sort": "relevance"}).sort_key == "-date"  # nothing to be relevant to
    by_date = codes(client.get(URL, {"q": "mosul", "sort": "-date"}))
    assert by_date[0] == mosul_search["scattered"].code


def test_a_code_finds_its_record_alone(client, mosul_search):
    target = mosul_search["quote"]
    assert codes(client.get(URL, {"q": target.code})) == [target.code]


def test_relevance_pages_cover_every_match_once_in_order(client, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    expected = []
    for n in range(8):
        incident = published(title=f"Strike {n} in Mosul" if n % 2 else f"Strike {n}", summary="mosul")
        for _ in range(n % 3):
            services.link_report(incident=incident, report=factories.ReportFactory())
        expected.append(incident)
    seen, params = [], {"q": "mosul"}
    while True:
        response = client.get(URL, params)
        seen += codes(response)
        page = response.context["page"]
        if not page.next:
            break
        params = {"q": "mosul", "after": page.next.encode()}
    assert sorted(seen) == sorted(incident.code for incident in expected)
    assert len(seen) == len(set(seen))
    scores = list(IncidentFilter({"q": "mosul"}, queryset=Incident.objects.published()).qs.values_list("relevance", flat=True))
    assert scores == sorted(scores, reverse=True)
    assert [code for code in seen] == list(
        IncidentFilter({"q": "mosul"}, queryset=Incident.objects.published()).qs.values_list("code", flat=True)
    )


def test_the_api_sorts_by_relevance_and_pages_on(client, mosul_search):
    body = client.get(API, {"q": "mosul", "page_size": 2}).json()
    assert [row["code"] for row in body["results"]] == [mosul_search["title"].code, mosul_search["lesser"].code]
    following = client.get(body["next"]).json()
    assert len(following["results"]) == 2
    assert {row["code"] for row in following["results"]}.isdisjoint({mosul_search["title"].code, mosul_search["lesser"].code})


# --- the stored words follow every write path -------------------------------------------------------------------------

def test_words_follow_edits_and_bulk_recompute(client):
    incident = published(title="Strike", locality="Tal Afar")
    incident.title = "Strike on Sinjar road"
    incident.save()
    assert codes(client.get(URL, {"q": "sinjar"})) == [incident.code]
    Incident.objects.filter(pk=incident.pk).update(search_head="", search_body="")  # as a bulk writer leaves them
    assert codes(client.get(URL, {"q": "sinjar"})) == []
    services.recompute_many([incident.pk])
    assert codes(client.get(URL, {"q": "sinjar"})) == [incident.code]


def test_a_search_page_reads_a_bounded_number_of_queries(client, django_assert_max_num_queries, islamic_state):
    for n in range(12):
        incident = published(title=f"Strike {n} in Mosul")
        factories.BelligerentRoleFactory(incident=incident, actor=islamic_state)
    with django_assert_max_num_queries(16):
        assert len(codes(client.get(URL, {"q": "daesh mosul"}))) == 12


def test_bulk_written_incidents_are_searchable(client):
    """The generator writes incidents with COPY or bulk inserts: its recompute fills their search words."""
    from incidents.synthetic import generate

    generate(incidents=40, seed=7)
    incident = Incident.objects.published().exclude(locality="").exclude(place_name_ar="").order_by("pk").first()
    plain = normalise_search(incident.locality).split()[-1]
    assert incident.code in codes(client.get(URL, {"q": plain.upper(), "sort": "-date"})) or Incident.objects.published().filter(
        search_head__contains=plain).count() > 50
    arabic = normalise_search(incident.place_name_ar).split()[-1]
    found = Incident.objects.published().filter(search_head__contains=arabic)
    assert found.exists()
    alias = ActorAlias.objects.filter(actor__incident_roles__incident__status=choices.Status.PUBLISHED).order_by("pk").first()
    named = Incident.objects.published().filter(belligerent_roles__actor=alias.actor).distinct().count()
    assert named and len(codes(client.get(URL, {"q": alias.name}))) >= min(named, pagination.PAGE_SIZE)


def test_the_belligerent_filter_takes_an_alias_and_names_aliases_in_its_options(client, islamic_state):
    named = published(title="Shelling", locality="Mosul")
    factories.BelligerentRoleFactory(incident=named, actor=islamic_state)
    published(title="Shelling", locality="Mosul")
    assert codes(client.get(URL, {"belligerent": "Daesh"})) == [named.code]
    assert codes(client.get(URL, {"belligerent": islamic_state.slug})) == [named.code]
    page = client.get(URL).content.decode()
    assert "Islamic State (IS, ISIL, ISIS)" in page
    refused = client.get(URL, {"belligerent": "no such force"})
    assert refused.status_code == 200 and refused.context["valid"] is False


def test_the_source_filter_takes_an_alias_but_never_a_confidential_source(client):
    from sources.models import SourceAlias

    outlet = factories.SourceFactory(name="The Washington Post")
    SourceAlias.objects.create(source=outlet, name="WaPo")
    covered = published(title="Strike")
    services.link_report(incident=covered, report=factories.ReportFactory(source=outlet))
    assert codes(client.get(URL, {"source": "wapo"})) == [covered.code]
    secret = factories.SourceFactory(name="Local network", is_confidential=True, public_label="local source")
    SourceAlias.objects.create(source=secret, name="LN")
    services.link_report(incident=covered, report=factories.ReportFactory(source=secret))
    assert client.get(URL, {"source": "LN"}).context["valid"] is False
    page = client.get(URL).content.decode()
    assert "Local network" not in page and "(LN)" not in page and "The Washington Post (WaPo)" in page


def test_belligerent_and_source_pages_name_their_aliases(client, islamic_state):
    from sources.models import SourceAlias

    incident = published(title="Shelling")
    factories.BelligerentRoleFactory(incident=incident, actor=islamic_state)
    outlet = factories.SourceFactory(name="The Washington Post")
    SourceAlias.objects.create(source=outlet, name="WaPo")
    services.link_report(incident=incident, report=factories.ReportFactory(source=outlet))
    assert "<bdi>Daesh</bdi>" in client.get(islamic_state.get_absolute_url()).content.decode()
    assert "<bdi>WaPo</bdi>" in client.get(outlet.get_absolute_url()).content.decode()


def test_the_page_says_which_belligerent_an_alias_found(client, islamic_state):
    incident = published(title="Shelling")
    factories.BelligerentRoleFactory(incident=incident, actor=islamic_state)
    page = client.get(URL, {"q": "Daesh"}).content.decode()
    assert "Daesh (incidents naming Islamic State)" in page


def test_the_sources_page_finds_a_source_by_name_or_alias_never_a_confidential_one(client):
    from sources.models import SourceAlias

    outlet = factories.SourceFactory(name="The Washington Post")
    SourceAlias.objects.create(source=outlet, name="WaPo")
    other = factories.SourceFactory(name="Reuters")
    secret = factories.SourceFactory(name="Wapo Local Network", is_confidential=True, public_label="local source")
    incident = published(title="Strike")
    for source in (outlet, other, secret):
        services.link_report(incident=incident, report=factories.ReportFactory(source=source))
    for text in ("wapo", "WASHINGTON post", "Wäshington"):
        listed = [source.name for source in client.get(reverse("source_list"), {"q": text}).context["page"].rows]
        assert listed == ["The Washington Post"], text
    page = client.get(reverse("source_list"), {"q": "nobody"}).content.decode()
    assert "No listed source is called “nobody”" in page and "Wapo Local Network" not in page


# --- across scripts (incidents.gazetteer) ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("بغداد", {"baghdad"}), ("الموصل", {"mosul", "arabic_mosul"}), ("Mosul", {"mosul", "arabic_mosul"}), ("نينوى", {"mosul"}),
])
def test_a_place_is_found_in_the_other_script(client, text, expected):
    made = {
        "baghdad": published(title="Strike", locality="Baghdād", admin1="Baghdād"),
        "mosul": published(title="Strike", locality="", admin2="Qaḑā’ al Mawşil", admin1="Nīnawá"),
        "arabic_mosul": published(title="غارة", place_name_ar="الموصل"),
        "elsewhere": published(title="Strike", locality="Basra"),
    }
    assert set(codes(client.get(URL, {"q": text}))) == {made[name].code for name in expected}


def test_a_title_word_is_not_taken_for_a_place():
    from incidents.search import search_texts

    incident = factories.IncidentFactory.build(title="Missile hit a school", locality="", admin1="")
    assert "هيت" not in search_texts(incident)["search_head"]


def test_a_misspelt_place_is_offered_respelt(client):
    mosul = published(title="Strike", locality="Mosul")
    response = client.get(URL, {"q": "Mosl", "country": "IQ"})
    assert codes(response) == []
    page = response.content.decode()
    assert 'Did you mean <a href="?q=mosul&amp;country=IQ">mosul</a>?' in page or (
        'Did you mean <a href="?country=IQ&amp;q=mosul">mosul</a>?' in page
    )
    assert codes(client.get(URL, {"q": "mosul"})) == [mosul.code]
    assert "Did you mean" not in client.get(URL, {"q": "zzzqqq"}).content.decode()


def test_a_suggestion_never_spells_an_actor_named_only_on_a_draft(client):
    hidden = factories.ActorFactory(name="Zarqawi Brigade")
    factories.BelligerentRoleFactory(incident=factories.IncidentFactory(title="Draft"), actor=hidden)
    ActorAlias.objects.create(actor=hidden, name="Zarqawiyyin")
    page = client.get(URL, {"q": "Zarqawiyin"}).content.decode()
    assert "Did you mean" not in page and "zarqawiyyin" not in page.lower().replace("zarqawiyin", "")
    shown = factories.ActorFactory(name="Zarqawi Brigade Public")
    factories.BelligerentRoleFactory(incident=published(title="Strike"), actor=shown)
    ActorAlias.objects.create(actor=shown, name="Publicbrigadeyyin")
    assert "Did you mean" in client.get(URL, {"q": "Publicbrigadeyin"}).content.decode()
