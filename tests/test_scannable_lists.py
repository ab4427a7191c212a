"""Lists people can scan: the title is the link, places in short, imported titles without date and place, only the filters
in use in the address, days typed as the site writes them, and where a page is in the list ("Results 51–100 of 120")."""

import datetime
import re

import pytest
from django.urls import reverse

from incidents import choices, display
from incidents.models import ExternalIdentifier, Incident
from incidents.ucdp import mapping
from incidents.ucdp.retitle import REASON, retitle_ucdp_incidents
from tests import dataworld, factories
from tests.test_ucdp_import import MOSUL, ged_row, incident_of, run, write_ged

pytestmark = pytest.mark.django_db

URL = reverse("incident_list")


def _place_record(**fields):
    return Incident(**{"country": "IQ", "admin1": "", "admin2": "", "locality": "", "neighbourhood": "", **fields})


# c. Places: one function, a short form and the full one.

def test_short_place_is_locality_then_province_and_full_place_has_every_level():
    mosul = _place_record(neighbourhood="Mosul al-Jadida", locality="Mosul", admin2="Qaḑā’ al Mawşil", admin1="Nīnawá")
    assert display.format_place(mosul, short=True) == "Mosul, Nīnawá"
    assert display.format_place(mosul) == "Mosul al-Jadida, Mosul, Qaḑā’ al Mawşil, Nīnawá, Iraq"
    assert display.format_place(_place_record(admin2="Qaḑā’ al Mawşil", admin1="Nīnawá"), short=True) == "Qaḑā’ al Mawşil, Nīnawá"
    assert display.format_place(_place_record(admin1="Nīnawá"), short=True) == "Nīnawá"
    assert display.format_place(_place_record(), short=True) == "Iraq"
    assert display.format_place(_place_record(country=""), short=True) == display.UNKNOWN


def test_list_row_links_the_title_shows_the_code_and_the_short_place_with_the_full_one_on_hover(client):
    incident = factories.IncidentFactory(
        status="published", title="Strike on the Zanjili market", neighbourhood="Zanjili", locality="Mosul", admin2="Mosul district",
        admin1="Nīnawá",
    )
    for url in (URL, reverse("home")):
        html = client.get(url).content.decode()
        assert f'<a class="row-title" href="{incident.get_absolute_url()}">Strike on the Zanjili market</a>' in html
        assert f'<small class="row-code">{incident.code}</small>' in html
        assert '<span class="place" title="Zanjili, Mosul, Mosul district, Nīnawá, Iraq">Mosul, Nīnawá</span>' in html
    detail = client.get(incident.get_absolute_url()).content.decode()
    assert "Zanjili, Mosul, Mosul district, Nīnawá, Iraq" in detail


# b. Imported titles: no date, no place; the import's own old titles rewritten, with history.

def test_imported_title_carries_neither_date_nor_place(tmp_path):
    run(write_ged(tmp_path, [ged_row(MOSUL)]))
    incident = incident_of(MOSUL)
    assert incident.title == "Airstrike: Government of Iraq vs IS"
    assert "Mosul" not in incident.title and "2017" not in incident.title


def _imported(title, *, event_id="238475", date_start=datetime.date(2017, 3, 17), date_end=None, **fields):
    incident = factories.IncidentFactory(status="published", title=title, date_start=date_start, date_end=date_end, **fields)
    ExternalIdentifier.objects.create(incident=incident, dataset=mapping.DATASET, identifier=event_id)
    return incident


def _retitle():
    return retitle_ucdp_incidents(
        incident_model=Incident, history_model=Incident.history.model, identifier_model=ExternalIdentifier,
    )


def test_retitle_rewrites_only_titles_still_as_the_import_wrote_them():
    generated = _imported("Mosul, 17 March 2017: Government of Iraq vs IS (UCDP event 238475)")
    span = _imported(
        "Hīt, 28 February – 3 March 2017: IS violence against civilians (UCDP event 1001)", event_id="1001",
        date_start=datetime.date(2017, 2, 28), date_end=datetime.date(2017, 3, 3), event_type=choices.EventType.EXPLOSION,
    )
    edited = _imported("Strike on Mosul al-Jadida, 17 March 2017", event_id="1002")
    other_id = _imported("Mosul, 17 March 2017: Government of Iraq vs IS (UCDP event 9999)", event_id="1003")
    other_day = _imported("Mosul, 18 March 2017: Government of Iraq vs IS (UCDP event 1004)", event_id="1004")
    no_ucdp = factories.IncidentFactory(status="published", title="Mosul, 17 March 2017: Government of Iraq vs IS (UCDP event 1005)")
    versions = {incident.pk: incident.version for incident in Incident.objects.all()}

    assert _retitle() == 2
    titles = dict(Incident.objects.values_list("pk", "title"))
    assert titles[generated.pk] == "Airstrike: Government of Iraq vs IS"
    assert titles[span.pk] == "Explosion: IS violence against civilians"
    for untouched in (edited, other_id, other_day, no_ucdp):
        assert titles[untouched.pk] == untouched.title
        assert Incident.objects.get(pk=untouched.pk).version == versions[untouched.pk]
    latest = generated.history.order_by("-history_date", "-history_id").first()
    assert (latest.title, latest.history_change_reason, latest.history_type) == ("Airstrike: Government of Iraq vs IS", REASON, "~")
    assert Incident.objects.get(pk=generated.pk).version == versions[generated.pk] + 1
    assert _retitle() == 0  # run twice, changes nothing more


def test_retitle_matches_every_title_the_import_wrote_from_the_real_ucdp_file():
    """The old form of each real GED 19.1 Iraq event's title is recognised and becomes what the import now writes."""
    from incidents.ucdp import read_ged_csv
    from incidents.ucdp.retitle import generated_who

    with open("/work/shared/data/ucdp_ged191_iraq_hdx_hxl.csv", encoding="utf-8", newline="") as file:
        events = [event for event in read_ged_csv(file) if event.deaths_civilians > 0 and not mapping.is_aggregated(event)]
    assert len(events) == 2373
    for event in events:
        place = mapping._locality(event) or event.where_coordinates or event.country_name
        old = f"{place}, {mapping.describe_dates(event.date_start, event.date_end)}: {mapping._who_fought(event)} (UCDP event {event.id})"
        incident = Incident(title=old, date_start=event.date_start, date_end=None if event.date_end == event.date_start else event.date_end,
                            event_type=mapping.infer_event_type(event))
        who = generated_who(incident, {str(event.id)})
        assert who is not None, old
        new = mapping.title_of(incident.event_type, who)
        assert new == mapping.incident_title(event)
        assert str(event.year) not in new and (not place or place not in new or place in mapping._who_fought(event))


# e. Only the filters in use in the address.

@pytest.mark.parametrize(("query", "target"), [
    ("q=&grade=", URL),
    ("q=&date_from=&country=IQ&country=&sort=date", f"{URL}?country=IQ&sort=date"),
    ("sort=date&q&country=IQ&killed_min=", f"{URL}?sort=date&country=IQ"),
    ("q=Mosul%20al-Jadida&&conceded=", f"{URL}?q=Mosul%20al-Jadida"),
])
def test_empty_parameters_are_redirected_away_keeping_the_others_in_order(client, query, target):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 302
    assert response["Location"] == target
    assert client.get(target).status_code == 200  # never redirected again


def test_an_address_without_empty_parameters_is_served(client):
    assert client.get(f"{URL}?country=IQ&sort=date").status_code == 200
    assert client.get(URL).status_code == 200


def test_timeline_drops_empty_parameters_too(client):
    response = client.get(reverse("timeline") + "?q=&country=IQ")
    assert (response.status_code, response["Location"]) == (302, reverse("timeline") + "?country=IQ")


# f. Days typed as the site writes them.

@pytest.mark.parametrize("typed", ["2017-03-17", "17 March 2017", "17 march 2017", "17 Mar 2017", "17/03/2017", " 17  March 2017 "])
def test_date_filters_read_the_sites_forms_and_show_the_day_back_as_the_site_writes_it(client, typed):
    inside = factories.IncidentFactory(status="published", date_start=datetime.date(2017, 3, 17))
    before = factories.IncidentFactory(status="published", date_start=datetime.date(2017, 3, 16))
    response = client.get(URL, {"date_from": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert inside.code in html and before.code not in html
    assert 'value="17 March 2017"' in html
    assert "<strong>From</strong>: 17 March 2017" in html


@pytest.mark.parametrize("typed", ["03/17/2017", "31 February 2017", "yesterday", "2017-13-45", "17 Marchh 2017"])
def test_a_day_that_cannot_be_read_gets_a_clear_error_and_is_shown_as_typed(client, typed):
    response = client.get(URL, {"date_to": typed})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["date_to"])
    assert "17 March 2017" in errors and "day before month" in errors
    assert f'value="{typed}"' in response.content.decode()


def test_date_filter_is_a_text_box_with_the_sites_format_as_example(client):
    html = client.get(URL).content.decode()
    field = re.search(r'<input[^>]*name="date_from"[^>]*>', html)[0]
    assert 'type="text"' in field and 'placeholder="e.g. 17 March 2017"' in field


# g. Where the page is in the list.

@pytest.fixture
def many(db):
    """120 published incidents on distinct days, newest first in the default order."""
    start = datetime.date(2015, 1, 1)
    return [
        factories.IncidentFactory(status="published", title=f"Listed strike {n}", date_start=start + datetime.timedelta(days=n))
        for n in range(120)
    ]


def _next_link(html):
    return re.search(r'<a href="\?([^"#]*)[^"]*" rel="next"', html)[1].replace("&amp;", "&")


def _previous_link(html):
    return re.search(r'<a href="\?([^"#]*)[^"]*" rel="prev"', html)[1].replace("&amp;", "&")


def _heading(html):
    return re.sub(r"\s+", " ", re.search(r'<h2 id="results-heading">(.*?)<small', html, re.S)[1]).strip()


def test_results_position_across_three_pages_and_back(client, many, django_assert_max_num_queries):
    first = client.get(URL).content.decode()
    assert _heading(first) == "Results 1–50 of 120"
    second_query = _next_link(first)
    assert "start=51" in second_query
    with django_assert_max_num_queries(12):
        second = client.get(f"{URL}?{second_query}").content.decode()
    assert _heading(second) == "Results 51–100 of 120"
    third = client.get(f"{URL}?{_next_link(second)}").content.decode()
    assert _heading(third) == "Results 101–120 of 120"
    assert "Listed strike 0<" in third
    back = client.get(f"{URL}?{_previous_link(third)}").content.decode()
    assert _heading(back) == "Results 51–100 of 120"
    assert _heading(client.get(f"{URL}?{_previous_link(back)}").content.decode()) == "Results 1–50 of 120"


@pytest.mark.parametrize("start", ["abc", "0", "-5", "99999999999999999999999999", "5000", "1", "51%00", ""])
def test_a_bad_or_impossible_start_is_ignored_never_an_error(client, many, start):
    second_query = re.sub(r"start=\d+", "start=" + start, _next_link(client.get(URL).content.decode()))
    response = client.get(f"{URL}?{second_query}", follow=True)
    assert response.status_code == 200
    # The middle page: a position that is not a number or does not fit the list is not shown, only how many rows.
    assert _heading(response.content.decode()) == "50 of 120 results"
    assert "Listed strike 69<" in response.content.decode()


def test_the_last_page_knows_its_position_without_start(client, many):
    page_two = _next_link(client.get(URL).content.decode())
    page_three = _next_link(client.get(f"{URL}?{page_two}").content.decode())
    without = re.sub(r"&?start=\d+", "", page_three)
    assert _heading(client.get(f"{URL}?{without}").content.decode()) == "Results 101–120 of 120"


def test_list_with_its_new_parts_leaks_nothing_hidden(client):
    world = dataworld.build_world()
    for url in (URL, f"{URL}?date_from=1 January 2010", reverse("home")):
        html = client.get(url, follow=True).content.decode()
        for hidden in dataworld.hidden_strings(world):
            assert hidden not in html, (url, hidden)
