"""Whom a claim counts (SDG 16.1.2 categories) is said one way everywhere, and only claims of all civilians enter the
headline: a claim of a part ("3 women", "2 journalists", "5 girls") never widens the range of the whole."""

import pytest
from django.urls import reverse

from incidents import choices
from incidents.whom import whom_words
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("status", "sex", "age", "profession", "words"), [
    ("civilian", "unknown", "unknown", "", "civilians"),
    ("civilian", "female", "adult", "", "women"),
    ("civilian", "unknown", "child", "", "children"),
    ("civilian", "female", "child", "", "girls"),
    ("civilian", "male", "unknown", "", "men and boys"),
    ("combatants", "unknown", "unknown", "", "combatants"),
    ("unknown", "unknown", "unknown", "", "people of undetermined status"),
    ("any", "female", "adult", "", "all deaths (any status)"),
    ("armed_forces", "female", "adult", "", "women (member of armed forces)"),
    ("civilian", "unknown", "unknown", "journalist", "journalists or media workers"),
    ("civilian", "female", "unknown", "medical", "medical personnel (female)"),
])
def test_whom_a_claim_counts_in_words(status, sex, age, profession, words):
    assert whom_words(status, sex, age, profession) == words


def test_only_claims_of_all_civilians_enter_the_headline_and_parts_their_own_range():
    incident = factories.IncidentFactory(status="published")

    def claim(low, high, **whom):
        factories.FigureFactory(incident=incident, count_min=low, count_max=high,
                                qualifier=choices.qualifier_for(low, high), **whom)

    claim(12, 12)
    claim(40, 40, age_group="child", sex="female")             # girls: no range of its own, never the headline
    claim(30, 30, profession="journalist")                       # journalists: a part
    claim(50, 50, person_status="combatants")                    # never civilians
    claim(60, 60, person_status="any")                           # all deaths, never civilians
    claim(3, 5, **choices.WOMEN)
    claim(4, 4, **choices.CHILDREN)
    incident.refresh_from_db()
    assert (incident.reported_killed_min, incident.reported_killed_max) == (12, 12)
    assert (incident.women_killed_min, incident.women_killed_max) == (3, 5)
    assert (incident.children_killed_min, incident.children_killed_max) == (4, 4)


def test_every_surface_of_a_claim_says_its_categories(client):
    incident = factories.IncidentFactory(status="published")
    factories.FigureFactory(incident=incident, count_min=2, count_max=2, qualifier="exact", sex="female", age_group="child",
                            cause="explosive", quote="")
    html = client.get(reverse("incident_detail", args=[incident.code])).content.decode()
    assert "girls" in html and "cause: heavy weapons and explosive munitions" in html
    figure = client.get(f"/api/v1/incidents/{incident.code}/").json()["figures"][0]
    assert (figure["person_status"], figure["sex"], figure["age_group"], figure["profession"], figure["cause"]) == (
        "civilian", "female", "child", "", "explosive")
    from tests.test_exports import body, csv_rows
    row = csv_rows(body(client.get(reverse("export_claims"))))[0]
    assert (row["person_status"], row["sex"], row["age_group"], row["cause"]) == ("civilian", "female", "child", "explosive")


def test_a_new_claim_or_victim_is_offered_the_cause_its_event_type_implies(editor_client):
    incident = factories.IncidentFactory(event_type="gunfire")
    html = editor_client.get(reverse("admin:incidents_incident_change", args=[incident.pk])).content.decode()
    assert '<option value="small_arms" selected>' in html
    assert choices.cause_for("airstrike") == "explosive" and choices.cause_for("ground_raid") == "unknown"
