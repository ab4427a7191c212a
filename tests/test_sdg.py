"""The SDG 16.1.2 table: documented deaths (public victims killed on published incidents) by cause, status, sex and
age, on a page, in a CSV and in the API; each equals a hand count, and nothing unpublished or private enters it."""

import csv
import io

import pytest
from django.urls import reverse

from incidents import choices, sdg
from incidents.models import Incident, Victim
from tests import factories

pytestmark = pytest.mark.django_db

EXPLOSIVE, SMALL_ARMS, UNKNOWN = "explosive", "small_arms", "unknown"


def victim(incident, *, killed=True, public=True, **values):
    return factories.VictimFactory(
        incident=incident, outcome="killed" if killed else "injured", visibility="public" if public else "private", **values,
    )


@pytest.fixture
def world():
    """Two published incidents in Iraq and Syria, a draft, and victims of every kind that must and must not count."""
    mosul = factories.IncidentFactory(status="published", country="IQ", title="Mosul strike")
    raqqa = factories.IncidentFactory(status="published", country="SY", title="Raqqa shelling")
    draft = factories.IncidentFactory(status="draft", country="IQ")
    # Mosul: a girl aged 9 (the exact age wins over a wrong band), a woman, an elderly man, a journalist, a man of no age.
    victim(mosul, sex="female", age=9, age_band="adult", person_status="civilian", cause=EXPLOSIVE)
    victim(mosul, sex="female", age_band="adult", person_status="civilian", cause=EXPLOSIVE)
    victim(mosul, sex="male", age_band="elderly", person_status="civilian", cause=EXPLOSIVE)
    victim(mosul, sex="male", age=34, person_status="civilian", cause=EXPLOSIVE, profession="journalist")
    victim(mosul, name="", sex="male", person_status="unknown", cause=UNKNOWN)
    # Raqqa: a boy, a fighter, a person of whom nothing but the name is known.
    victim(raqqa, sex="male", age_band="child", person_status="civilian", cause=SMALL_ARMS)
    victim(raqqa, sex="male", age=25, person_status="participating", cause=SMALL_ARMS)
    victim(raqqa, name="Known only by name")
    # Never counted: injured, private, on a draft.
    victim(mosul, killed=False, sex="female", age=30, person_status="civilian", cause=EXPLOSIVE, name="Injured person")
    victim(mosul, public=False, sex="female", age=7, person_status="civilian", cause=EXPLOSIVE, name="Private child",
           profession="medical")
    victim(draft, sex="male", age=40, person_status="civilian", cause=EXPLOSIVE, name="Draft victim")
    return {"mosul": mosul, "raqqa": raqqa, "draft": draft}


# The hand count of the fixture: (cause, status, sex, age) → deaths.
HAND_COUNT = {
    (EXPLOSIVE, "civilian", "female", "child"): 1,
    (EXPLOSIVE, "civilian", "female", "adult"): 1,
    (EXPLOSIVE, "civilian", "male", "adult"): 2,
    (UNKNOWN, "unknown", "male", "unknown"): 1,
    (SMALL_ARMS, "civilian", "male", "child"): 1,
    (SMALL_ARMS, "participating", "male", "adult"): 1,
    (UNKNOWN, "unknown", "unknown", "unknown"): 1,
}


def test_the_table_equals_a_hand_count_and_every_margin_adds_up(world):
    table = sdg.sdg_table(Incident.objects.published())
    assert table["cells"] == HAND_COUNT
    assert table["total"] == 8
    assert table["professions"] == {((EXPLOSIVE, "civilian", "male", "adult"), "journalist"): 1}
    for dimension in sdg.DIMENSIONS:
        assert sum(sdg.margin(table, dimension).values()) == 8
    assert sdg.margin(table, "cause") == {"explosive": 4, "landmines": 0, "small_arms": 2, "incendiary": 0, "cbrn": 0,
                                          "other": 0, "unknown": 2}
    assert sdg.margin(table, "age") == {"child": 2, "adult": 4, "unknown": 2}
    assert sdg.margin(table, "sex") == {"female": 2, "male": 5, "unknown": 1}


def test_a_filter_narrows_the_table_to_its_incidents(world, client):
    iraq = sdg.sdg_table(Incident.objects.published().filter(country="IQ"))
    assert iraq["total"] == 5 and sdg.margin(iraq, "cause")["small_arms"] == 0


def test_the_csv_has_every_cell_with_zeros_and_the_same_numbers(world, client):
    response = client.get(reverse("sdg_table_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == len(choices.Cause) * len(choices.PersonStatus) * len(choices.Sex) * len(choices.AgeGroup)
    found = {(r["cause"], r["status"], r["sex"], r["age"]): int(r["documented_deaths"]) for r in rows if int(r["documented_deaths"])}
    assert found == HAND_COUNT
    journalist = next(r for r in rows if (r["cause"], r["status"], r["sex"], r["age"]) == (EXPLOSIVE, "civilian", "male", "adult"))
    assert (journalist["of_which_journalist"], journalist["of_which_medical"]) == ("1", "0")
    syria = list(csv.DictReader(io.StringIO(client.get(reverse("sdg_table_csv"), {"country": "SY"}).content.decode())))
    assert sum(int(r["documented_deaths"]) for r in syria) == 3


def test_a_bad_filter_is_refused_with_its_reason(world, client):
    response = client.get(reverse("sdg_table_csv"), {"date_from": "not a date"})
    assert response.status_code == 400 and b"date_from" in response.content
    assert client.get("/api/v1/incidents/sdg/", {"date_from": "not a date"}).status_code == 400
    page = client.get(reverse("sdg_table"), {"date_from": "not a date"})
    assert page.status_code == 200 and 'id="sdg-total"' not in page.content.decode()


def test_the_api_gives_the_same_table(world, client):
    data = client.get("/api/v1/incidents/sdg/").json()
    assert data["documented_deaths"] == 8
    assert data["by_cause"]["explosive"] == 4 and data["by_status"]["participating"] == 1
    assert data["of_which_professions"] == {"journalist": 1, "medical": 0, "humanitarian": 0, "rights_defender": 0}
    assert {(c["cause"], c["status"], c["sex"], c["age"]): c["deaths"] for c in data["cells"]} == HAND_COUNT
    assert client.get("/api/v1/incidents/sdg/", {"country": "SY"}).json()["documented_deaths"] == 3


def test_the_page_shows_the_tables_and_hides_the_private_and_unpublished(world, client):
    html = client.get(reverse("sdg_table")).content.decode()
    assert "8 documented deaths" in html
    assert "Heavy weapons and explosive munitions" in html and "Directly participating in hostilities" in html
    for hidden in ("Private child", "Draft victim", "Injured person"):
        assert hidden not in html
    # The private medical worker is counted nowhere: no profession but the journalist has a death.
    assert sdg.profession_totals(sdg.sdg_table(Incident.objects.published()))["medical"] == 0
    arabic = client.get("/ar/sdg/").content.decode()
    assert 'dir="rtl"' in arabic and "الوفيات الموثقة بحسب السبب والوضع" in arabic


def test_the_page_reads_in_a_bounded_number_of_queries(world, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        assert client.get(reverse("sdg_table"), {"country": "IQ"}).status_code == 200


def test_a_victim_made_private_or_an_incident_retracted_leaves_the_table(world):
    Victim.objects.filter(incident=world["raqqa"], person_status="participating").update(visibility="private")
    assert sdg.sdg_table(Incident.objects.published())["total"] == 7
    Incident.objects.filter(pk=world["mosul"].pk).update(status="retracted", retraction_reason="a test")
    assert sdg.sdg_table(Incident.objects.published())["total"] == 2


def test_the_incident_page_gives_its_victims_categories(world, client):
    html = client.get(reverse("incident_detail", args=[world["mosul"].code])).content.decode()
    assert "4 documented deaths" not in html  # five killed public victims in Mosul
    assert "5 documented deaths" in html
    assert "journalist or media worker" in html and "heavy weapons and explosive munitions" in html
    assert "Private child" not in html and "medical personnel" not in html.lower().split("<main", 1)[1]
    api = client.get(f"/api/v1/incidents/{world['mosul'].code}/").json()
    assert {v["profession"] for v in api["victims"]} == {"journalist", ""}
    assert all(v["cause"] in {"explosive", "unknown"} for v in api["victims"])
    assert api["sdg_16_1_2"]["documented_deaths"] == 5 and api["sdg_16_1_2"]["by_age"] == {"child": 1, "adult": 3, "unknown": 1}
    assert api["sdg_16_1_2"]["of_which_professions"]["medical"] == 0  # the private medical worker


def test_on_the_walked_world_only_public_victims_of_published_incidents_count(client):
    """The privacy walk's world (drafts, retracted records, private victims, redactions): the table counts exactly the
    public victims killed on its published incidents, whatever the filter."""
    from tests import dataworld
    dataworld.build_world()
    expected = Victim.objects.published().filter(outcome="killed").count()
    assert Victim.objects.filter(outcome="killed").count() > expected  # the world has victims that must not count
    assert sdg.sdg_table(Incident.objects.published())["total"] == expected
    assert client.get("/api/v1/incidents/sdg/").json()["documented_deaths"] == expected
