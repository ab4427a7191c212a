"""Victims known by role only ("unnamed child, female, injured"), and the public search of victims by name."""

import csv
import datetime
import io
import json

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from incidents import choices, workflow
from incidents.models import Victim
from tests import factories
from tests.dataworld import PRIVATE_NAME, build_world

pytestmark = pytest.mark.django_db

DRAFT_VICTIM = "Drafted Public-Victim"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the list's country choices are cached across requests
    yield
    cache.clear()


@pytest.fixture
def world():
    built = build_world()
    # A public victim whose incident is not published: its name must find nothing either.
    factories.VictimFactory(incident=built["hidden"][0], name=DRAFT_VICTIM, visibility=choices.Visibility.PUBLIC)
    return built


def unnamed_child(incident, **extra):
    return factories.VictimFactory(
        incident=incident, name="", sex=choices.Sex.FEMALE, age_band=choices.AgeBand.CHILD, outcome=choices.Outcome.INJURED,
        visibility=choices.Visibility.PUBLIC, **extra,
    )


# A victim must still say something.

def test_victim_with_nothing_known_refused_by_the_database():
    victim = factories.VictimFactory(name="Someone")
    with pytest.raises(IntegrityError), transaction.atomic():
        Victim.objects.filter(pk=victim.pk).update(name="")


@pytest.mark.parametrize("known", [
    {"name_ar": "عمر"}, {"sex": "male"}, {"age": 40}, {"age_band": "elderly"}, {"person_status": "civilian"},
])
def test_victim_without_a_name_needs_one_known_attribute(known):
    victim = factories.VictimFactory(name="Someone")
    Victim.objects.filter(pk=victim.pk).update(name="", **known)  # accepted
    assert Victim.objects.get(pk=victim.pk).name == ""


def test_status_defaults_to_unknown():
    assert factories.VictimFactory().person_status == choices.PersonStatus.UNKNOWN


# How an unnamed victim reads.

def test_unnamed_victim_reads_with_its_role():
    victim = unnamed_child(factories.IncidentFactory())
    assert str(victim) == victim.label == "unnamed child, female, injured"
    victim.person_status, victim.age = choices.PersonStatus.CIVILIAN, 7
    assert victim.label == "unnamed child, aged 7, female, civilian, injured"
    victim.name = "Hassan Ali"
    assert victim.label == "Hassan Ali"


def test_unnamed_victim_on_the_incident_page_and_in_the_api(client):
    incident = factories.IncidentFactory(status=choices.Status.PUBLISHED)
    unnamed_child(incident)
    body = client.get(reverse("incident_detail", args=[incident.code])).content.decode()
    assert "unnamed child, female, injured" in body
    data = APIClient().get(f"/api/v1/incidents/{incident.code}/").json()
    assert data["victims"] == [{
        "label": "unnamed child, female, injured", "name": "", "name_ar": "", "sex": "female", "age": None, "age_band": "child",
        "person_status": "unknown", "profession": "", "cause": "unknown", "outcome": "injured", "family_group": "",
    }]


def test_unnamed_victim_in_the_public_change_log(client):
    incident = factories.IncidentFactory(status=choices.Status.DRAFT)
    workflow.publish_by_system(incident_ids=[incident.pk], why="test")
    victim = unnamed_child(incident)
    victim.history.update(history_date=timezone.now() + datetime.timedelta(days=1))  # added a day after publication
    body = client.get(reverse("incident_detail", args=[incident.code])).content.decode()
    assert body.count("unnamed child, female, injured") == 2  # the victims table and the change log


# The admin: recording one, the form error, lists and search.

def victim_post(incident, **fields):
    return {
        "incident": incident.pk, "name": "", "name_ar": "", "sex": "unknown", "age": "", "age_band": "unknown",
        "person_status": "unknown", "outcome": "killed", "family_group": "", "visibility": "private", "report": "", "notes": "",
        "profession": "", "cause": "unknown", **fields,
    }


def test_admin_records_a_victim_known_by_role_only(editor_client):
    incident = factories.IncidentFactory()
    response = editor_client.post(reverse("admin:incidents_victim_add"),
                                  victim_post(incident, sex="female", age_band="child", outcome="injured"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    victim = Victim.objects.get()
    assert victim.name == "" and victim.label == "unnamed child, female, injured"
    listing = editor_client.get(reverse("admin:incidents_victim_changelist")).content.decode()
    assert "unnamed child, female, injured" in listing


def test_admin_refuses_a_victim_that_says_nothing_with_a_form_error(editor_client):
    incident = factories.IncidentFactory()
    response = editor_client.post(reverse("admin:incidents_victim_add"), victim_post(incident, outcome="injured"))
    assert response.status_code == 200
    assert "Give a name, or at least one thing known about the person" in response.content.decode()
    assert not Victim.objects.exists()


def test_admin_searches_victims_by_name(editor_client):
    incident = factories.IncidentFactory()
    factories.VictimFactory(incident=incident, name="Hassan Ali")
    factories.VictimFactory(incident=incident, name="Omar Saleh", name_ar="عمر صالح")
    url = reverse("admin:incidents_victim_changelist")
    found = editor_client.get(url, {"q": "hassan"}).context["cl"].result_list
    assert [victim.name for victim in found] == ["Hassan Ali"]
    found = editor_client.get(url, {"q": "صالح"}).context["cl"].result_list
    assert [victim.name for victim in found] == ["Omar Saleh"]


def test_incident_page_in_the_admin_shows_the_unnamed_victim(editor_client):
    incident = factories.IncidentFactory()
    unnamed_child(incident)
    body = editor_client.get(reverse("admin:incidents_incident_change", args=[incident.pk])).content.decode()
    assert "unnamed child, female, injured" in body


# The public search by name: public victims of published incidents only, on every surface of the one filter.

def list_codes(client, **params):
    response = client.get(reverse("incident_list"), params)
    assert response.status_code == 200
    return [incident.code for incident in response.context["page"].rows]


def api_codes(**params):
    response = APIClient().get("/api/v1/incidents/", params)
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def csv_codes(client, **params):
    response = client.get(reverse("export_csv") + "?" + "&".join(f"{k}={v}" for k, v in params.items()))
    assert response.status_code == 200
    return [row["code"] for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))]


def json_codes(client, **params):
    response = client.get(reverse("export_json"), params)
    assert response.status_code == 200
    return [row["code"] for row in json.loads(b"".join(response.streaming_content))["incidents"]]


SURFACES = {
    "list": list_codes,
    "api": lambda client, **params: api_codes(**params),
    "csv": csv_codes,
    "json": json_codes,
}


@pytest.mark.parametrize("surface", SURFACES)
def test_public_victim_name_finds_its_incident(client, world, surface):
    codes = SURFACES[surface]
    assert codes(client, victim="Public Person") == [world["mosul"].code]
    assert codes(client, victim="public pers") == [world["mosul"].code]  # any case, part of the name


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("name", [PRIVATE_NAME, DRAFT_VICTIM])
def test_private_victim_or_unpublished_incident_never_found_by_name(client, world, surface, name):
    # The private victim is on a published incident that a public victim also names: it must still not match.
    factories.VictimFactory(incident=world["yemen"], name="Unique Private Name", visibility=choices.Visibility.PRIVATE)
    codes = SURFACES[surface]
    assert codes(client, victim=name) == []
    assert codes(client, victim="Unique Private") == []


def test_victim_search_by_arabic_name(client, world):
    factories.VictimFactory(incident=world["aleppo"], name="Omar", name_ar="عمر الحلبي", visibility=choices.Visibility.PUBLIC)
    assert list_codes(client, victim="الحلبي") == [world["aleppo"].code]


def test_victim_search_combines_with_other_filters(client, world):
    factories.VictimFactory(incident=world["aleppo"], name="Public Person", visibility=choices.Visibility.PUBLIC)
    assert sorted(list_codes(client, victim="Public Person")) == sorted([world["mosul"].code, world["aleppo"].code])
    assert list_codes(client, victim="Public Person", country="SY") == [world["aleppo"].code]


@pytest.mark.parametrize("value", ["", " ", "a" * 500, "\x00", "'; drop table", "%", "_"])
def test_no_victim_value_makes_a_server_error(client, world, value):
    # An empty parameter is dropped by a redirect to the same address without it.
    assert client.get(reverse("incident_list"), {"victim": value}, follow=True).status_code in (200, 400)
    assert APIClient().get("/api/v1/incidents/", {"victim": value}).status_code in (200, 400)


def test_victim_search_is_one_query_more_at_most(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):  # + the aliases of the three actor and source selects (cached outside tests)
        assert list_codes(client, victim="Public Person") == [world["mosul"].code]


def test_unnamed_victims_never_match_a_name_search(client, world):
    unnamed_child(world["aleppo"])
    assert list_codes(client, victim="unnamed") == []
