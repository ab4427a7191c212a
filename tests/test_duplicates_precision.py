"""The duplicate check widens "near" with each record's date and geo precision, and ranks by a score whose parts show."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import duplicates
from incidents.models import Incident
from tests import factories
from tests.test_admin import incident_change_url

DAY = datetime.date(2017, 3, 17)
# The centre of Mosul, and a point 1.2 km north of it.
CENTRE = {"latitude": 36.335, "longitude": 43.119}
NORTH_1_2_KM = {"latitude": 36.3458, "longitude": 43.119}


def at(**fields):
    """An incident on 17 March 2017 with a title like no other, named nowhere unless told (no locality, no division)."""
    place = {"country": "IQ", "admin1": "", "admin2": "", "locality": "", "latitude": None, "longitude": None}
    return factories.IncidentFactory(**{"title": uuid.uuid4().hex, "date_start": DAY, **place, **fields})


def found(incident, **kwargs):
    return {candidate.incident.pk: candidate.reasons for candidate in duplicates.possible_duplicates(incident, **kwargs)}


# Where.


def test_two_city_centres_1_2_km_apart_are_not_candidates_by_distance(db):
    incident = at(geo_precision="city", **CENTRE)
    at(geo_precision="city", **NORTH_1_2_KM)

    assert found(incident) == {}


def test_two_city_centres_named_alike_are_candidates_by_the_name_not_the_distance(db):
    incident = at(geo_precision="city", locality="Mosul", **CENTRE)
    other = at(geo_precision="city", locality="MOSUL", **NORTH_1_2_KM)

    assert found(incident) == {other.pk: ["dates overlap (same day, 17 Mar 2017) +3", "same locality (Mosul / MOSUL) +2"]}


def test_two_exact_points_1_2_km_apart_are_candidates(db):
    incident = at(geo_precision="exact", **CENTRE)
    other = at(geo_precision="exact", **NORTH_1_2_KM)

    assert found(incident) == {other.pk: ["dates overlap (same day, 17 Mar 2017) +3", "1.2 km apart, both exact location +3"]}


def test_two_exact_points_4_km_apart_are_two_places_whatever_the_shared_name(db):
    incident = at(geo_precision="exact", locality="Mosul", **CENTRE)
    at(geo_precision="exact", locality="Mosul", latitude=36.371, longitude=43.119)

    assert found(incident) == {}


def test_a_neighbourhood_in_the_city_and_the_city_centre_are_candidates(db):
    city = at(geo_precision="city", **CENTRE)
    # Zanjili, about 3 km west of the centre, known to the neighbourhood; neither record names the city.
    neighbourhood = at(geo_precision="neighbourhood", latitude=36.34, longitude=43.085)
    at(geo_precision="neighbourhood", latitude=36.9, longitude=42.6)  # Tal Afar: farther than the city reaches

    assert found(city) == {neighbourhood.pk: [
        "dates overlap (same day, 17 Mar 2017) +3",
        "neighbourhood point 3.1 km from the centre of the city given by the other +1",
    ]}
    assert list(found(neighbourhood)) == [city.pk]


def test_records_without_coordinates_match_by_locality_normalised(db):
    incident = at(locality="al-Mawsil")
    other = at(locality="Al Mawṣil")
    arabic = at(place_name_ar="الموصل")
    at(place_name_ar="موصل", date_start=DAY + datetime.timedelta(days=10))  # the same place, too late
    at(locality="Mosul", country="SY")  # another country

    assert found(incident) == {other.pk: ["dates overlap (same day, 17 Mar 2017) +3", "same locality (al-Mawsil / Al Mawṣil) +2"]}
    assert list(found(at(place_name_ar="موصل"))) == [arabic.pk]


def test_coarse_records_match_by_district_or_province(db):
    exact = at(geo_precision="exact", locality="Mosul", admin2="Mosul District", admin1="Nineveh", **CENTRE)
    district = at(geo_precision="district", admin2="mosul district", admin1="Nineveh")
    province = at(geo_precision="province", admin1="Nineveh")
    at(geo_precision="province", admin1="Anbar")

    assert found(exact) == {
        district.pk: ["dates overlap (same day, 17 Mar 2017) +3", "same district (Mosul District / mosul district) +1"],
        province.pk: ["dates overlap (same day, 17 Mar 2017) +3", "same province (Nineveh) +1"],
    }


# When.


def test_a_day_within_a_month_precision_record_is_near_in_time(db):
    day = at(locality="Mosul", date_start=datetime.date(2017, 3, 25))
    month = at(locality="Mosul", date_start=datetime.date(2017, 3, 1), date_precision="month")
    at(locality="Mosul", date_start=datetime.date(2017, 4, 1), date_precision="month")
    at(locality="Mosul", date_start=datetime.date(2017, 2, 1), date_precision="month")
    year = at(locality="Mosul", date_start=datetime.date(2017, 1, 1), date_precision="year")
    at(locality="Mosul", date_start=datetime.date(2016, 1, 1), date_precision="year")

    assert found(day) == {
        month.pk: ["dates overlap (25 Mar 2017 within March 2017) +1", "same locality (Mosul) +2"],
        year.pk: ["dates overlap (25 Mar 2017 within 2017) +1", "same locality (Mosul) +2"],
    }
    assert day.pk in found(month)


def test_day_records_two_days_apart_are_near_three_are_not(db):
    incident = at(locality="Mosul")
    two = at(locality="Mosul", date_start=DAY + datetime.timedelta(days=2))
    at(locality="Mosul", date_start=DAY - datetime.timedelta(days=3))
    week = at(locality="Mosul", date_start=DAY - datetime.timedelta(days=8), date_precision="week")  # 9–15 March, 2 days before

    assert found(incident) == {
        two.pk: ["dates 2 days apart +1", "same locality (Mosul) +2"],
        week.pk: ["dates 2 days apart +1", "same locality (Mosul) +2"],
    }


# The score.


def test_candidates_are_ranked_by_a_total_whose_parts_are_shown(db):
    us_forces = factories.ActorFactory(name="US forces")
    incident = at(geo_precision="exact", locality="Mosul", **CENTRE)
    factories.BelligerentRoleFactory(incident=incident, actor=us_forces)
    factories.FigureFactory(incident=incident, count_min=12, count_max=12)
    weak = at(locality="Mosul", date_start=DAY + datetime.timedelta(days=1))
    strong = at(geo_precision="exact", locality="Mosul", latitude=36.3386, longitude=43.119)
    factories.BelligerentRoleFactory(incident=strong, actor=us_forces)
    factories.FigureFactory(incident=strong, count_min=11, count_max=14)
    middle = at(geo_precision="city", locality="Mosul", **CENTRE)

    candidates = duplicates.possible_duplicates(Incident.objects.get(pk=incident.pk))

    assert [c.incident.pk for c in candidates] == [strong.pk, middle.pk, weak.pk]
    assert [c.total for c in candidates] == [10, 6, 3]
    assert candidates[0].reasons == [
        "dates overlap (same day, 17 Mar 2017) +3",
        "0.4 km apart, both exact location +3",
        "same locality (Mosul) +2",
        "shares belligerent US forces +1",
        "figures agree (12 vs 11–14 killed) +1",
    ]
    assert all(c.total == sum(part.points for part in c.parts) for c in candidates)


def test_an_unsaved_incident_is_checked_with_the_belligerents_given(db):
    coalition = factories.ActorFactory(name="Coalition")
    existing = at(locality="Mosul")
    factories.BelligerentRoleFactory(incident=existing, actor=coalition)

    found_for_import = found(Incident(title="x", date_start=DAY, locality="mosul", country="IQ"), belligerent_ids=[coalition.pk])

    assert found_for_import == {existing.pk: [
        "dates overlap (same day, 17 Mar 2017) +3", "same locality (mosul / Mosul) +2", "shares belligerent Coalition +1",
    ]}


# Scale.


def test_the_check_reads_a_fixed_number_of_queries(db, django_assert_max_num_queries):
    forces = [factories.ActorFactory() for _ in range(2)]
    incident = at(geo_precision="exact", locality="Mosul", **CENTRE)
    for actor in forces:
        factories.BelligerentRoleFactory(incident=incident, actor=actor)
    for n in range(12):
        other = at(geo_precision="exact", locality="Mosul", latitude=36.335 + n * 0.001, longitude=43.119)
        factories.BelligerentRoleFactory(incident=other, actor=forces[n % 2])
    incident = Incident.objects.get(pk=incident.pk)

    # The incident's own belligerents, the candidates, their shared belligerents.
    with django_assert_max_num_queries(3):
        candidates = duplicates.possible_duplicates(incident)
        assert [str(c.incident) for c in candidates]  # what the admin box shows reads nothing more

    assert len(candidates) == duplicates.LIMIT


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_candidates_are_read_through_the_precision_date_index(db):
    incident = at(geo_precision="exact", locality="Mosul", **CENTRE)
    # Ten years of records, so the planner weighs the window as it would on a full table.
    Incident.objects.bulk_create([
        Incident(code=f"CT-{1000 + n}", title=f"Strike {n}", date_start=DAY + datetime.timedelta(days=n % 3650),
                 date_precision=["day", "day", "day", "month", "year"][n % 5], locality="Hit")
        for n in range(5000)
    ])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE incidents_incident")
    with CaptureQueriesContext(connection) as queries:
        duplicates.possible_duplicates(incident)
    sql = next(q["sql"] for q in queries.captured_queries if "incidents_incident" in q["sql"] and "date_precision" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "incident_precision_date" in plan


# The admin box, and nowhere else.


def test_the_admin_box_shows_parts_totals_and_what_each_role_may_do(editor_client, reviewer_client):
    incident = at(geo_precision="exact", locality="Mosul", status="published", **CENTRE)
    draft = at(geo_precision="exact", locality="Mosul", title="Draft strike record", **NORTH_1_2_KM)

    page = editor_client.get(incident_change_url(incident)).content.decode()

    assert "Draft strike record" in page  # an editors' tool: drafts are listed
    assert "1.2 km apart, both exact location +3" in page and "same locality (Mosul) +2" in page
    assert '<td class="duplicate-total"><strong>8</strong></td>' in page
    relate = reverse("admin:incidents_incident_relate", args=[incident.pk, draft.pk])
    assert f'action="{relate}"' in page and "Mark related" in page
    assert 'form="merge-' not in page and "Merge: a reviewer must do it" in page

    reviewer_page = reviewer_client.get(incident_change_url(incident)).content.decode()
    assert f'form="merge-{draft.pk}"' in reviewer_page and "a reviewer must do it" not in reviewer_page


def test_the_admin_box_reads_the_same_queries_for_two_candidates_or_ten(editor_client):
    incident = at(geo_precision="exact", locality="Mosul", **CENTRE)
    for n in range(2):
        at(geo_precision="exact", locality="Mosul", latitude=36.336 + n * 0.001, longitude=43.119)
    with CaptureQueriesContext(connection) as two:
        editor_client.get(incident_change_url(incident))
    for n in range(8):
        at(geo_precision="exact", locality="Mosul", latitude=36.34 + n * 0.001, longitude=43.119)
    with CaptureQueriesContext(connection) as ten:
        page = editor_client.get(incident_change_url(incident)).content.decode()

    assert page.count('class="duplicate-candidate"') == 10
    assert len(ten.captured_queries) == len(two.captured_queries)


def test_possible_duplicates_never_reach_a_public_page(db, client):
    incident = at(geo_precision="exact", locality="Mosul", status="published", **CENTRE)
    at(geo_precision="exact", locality="Mosul", title="Draft strike record", **NORTH_1_2_KM)

    page = client.get(incident.get_absolute_url())
    admin_page = client.get(incident_change_url(incident))

    assert page.status_code == 200
    content = page.content.decode()
    assert "Draft strike record" not in content and "Possible duplicates" not in content and "duplicate-candidate" not in content
    assert admin_page.status_code == 302  # the admin box is behind the login
