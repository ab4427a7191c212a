"""The methodology page shows each rule from where it is written, and totals both ways, live."""

import html as html_lib
import inspect

import pytest
from django.urls import reverse

from incidents import choices
from incidents.citations import DATASET_CITATIONS
from incidents.field_dictionary import NOT_PUBLIC, PUBLIC_MODELS, field_dictionary, public_fields
from incidents.models import CasualtyFigure, Incident, Victim
from incidents.services import derive_figures
from sources.models import Report, Source
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client):
    def get():
        response = client.get(reverse("methodology"))
        assert response.status_code == 200
        return html_lib.unescape(response.content.decode())
    return get


def test_anchors_and_one_h1(page):
    html = page()
    assert html.count("<h1") == 1
    for anchor in ("grades", "figure-rules", "totals", "precision", "fields", "data-sources"):
        assert f'id="{anchor}"' in html and f'href="#{anchor}"' in html


def test_every_grade_definition(page):
    html = page()
    for grade in choices.Grade:
        assert str(grade.label) in html and str(choices.GRADE_DEFINITIONS[grade]) in html


def test_derivation_rule_is_the_docstring(page):
    html = page()
    for paragraph in inspect.getdoc(derive_figures).split("\n\n"):
        assert f"<p>{' '.join(paragraph.split())}</p>" in html
    for shown in ("no number", "137", "101+", "up to 200", "83–137"):
        assert f">{shown}<" in html


def test_every_precision_code(page):
    html = page()
    for precision in choices.DatePrecision:
        assert f"<code>{precision.value}</code>" in html and str(choices.DATE_PRECISION_DEFINITIONS[precision]) in html
    for precision in choices.GeoPrecision:
        assert f"<code>{precision.value}</code>" in html and str(choices.GEO_PRECISION_DEFINITIONS[precision]) in html


def test_field_dictionary_is_generated_from_help_texts(page):
    html = page()
    # Picked from the models, not written here: the page says what the model says.
    assert str(Incident._meta.get_field("reported_killed_max").help_text) in html
    assert str(CasualtyFigure._meta.get_field("qualifier").help_text) in html
    assert str(Report._meta.get_field("archive_url").help_text) in html
    for model in PUBLIC_MODELS:
        for field in public_fields(model):
            assert str(field.help_text) in html, f"{model.__name__}.{field.name}"


def test_field_dictionary_leaves_out_editorial_fields(page):
    html = page()
    for model, name in ((CasualtyFigure, "notes"), (Report, "notes"), (Victim, "visibility"), (Incident, "created_by"),
                        (CasualtyFigure, "excluded_reason"), (Source, "is_confidential")):
        assert str(model._meta.get_field(name).help_text) not in html
    for entry in field_dictionary():
        assert not {field.name for field in entry.fields} & NOT_PUBLIC


def test_field_dictionary_marks_derived_fields():
    incident = next(entry for entry in field_dictionary() if entry.name == "Incident")
    derived = {field.name for field in incident.fields if field.derived}
    assert {"reported_killed_min", "reported_killed_max", "conceded_killed_min", "latest_stance", "sources_count"} <= derived
    assert "title" not in derived and "grade" not in derived


def test_data_sources_with_licences_and_citations(page):
    html = page()
    ucdp = DATASET_CITATIONS[choices.Dataset.UCDP_GED]
    assert "CC BY 4.0" in html and ucdp["licence_url"] in html
    for citation in ucdp["citations"]:
        assert citation in html
    assert "Sundberg" in html and "Högbladh" in html and "CC BY-IGO" in html and "Humanitarian Data Exchange" in html


def test_totals_both_ways_live(page):
    def published(grade, low, high, conceded=None):
        incident = factories.IncidentFactory(status="published", grade=grade)
        factories.FigureFactory(incident=incident, count_min=low, count_max=high)
        if conceded:
            statement = factories.StatementFactory(incident=incident, stance=choices.Stance.CREDIBLE)
            factories.FigureFactory(incident=incident, statement=statement, basis=choices.Basis.CONCEDED, count_min=conceded, count_max=conceded)

    published("confirmed", 10, 12, conceded=9)
    published("fair", 20, 30)
    published("weak", 300, 400)
    published("discounted", 1000, 1000)
    hidden = factories.IncidentFactory(status="draft", grade="confirmed")
    factories.FigureFactory(incident=hidden, count_min=50000, count_max=50000)
    retracted = factories.IncidentFactory(status="retracted", retraction_reason="Wrong", grade="fair")
    factories.FigureFactory(incident=retracted, count_min=60000, count_max=60000)

    html = page()
    totals = html[html.index('id="totals"'):html.index('id="precision"')]
    assert "every published incident, whatever its grade" in totals
    assert "1,330–1,442" in totals  # all four grades
    assert "30–42" in totals  # confirmed + fair only
    assert ">9<" in totals
    assert "50,000" not in html and "60,000" not in html and "51,330" not in html


def test_totals_on_an_empty_database(page):
    html = page()
    totals = html[html.index('id="totals"'):html.index('id="precision"')]
    # A sum over no incident with a number is "no number", never 0 and never "Unknown".
    assert "<td class=\"num\" data-label=\"Civilians reported killed\">no number</td>" in totals
    assert "Unknown" not in totals and ">0–0<" not in totals


def test_query_count(client, django_assert_max_num_queries):
    for n in range(20):
        factories.FigureFactory(incident=factories.IncidentFactory(status="published", grade=choices.Grade.values[n % 5]))
    with django_assert_max_num_queries(3):
        assert client.get(reverse("methodology")).status_code == 200
