"""Hostile input stored or served: links that are not http(s), and spreadsheet formulas in exported text.

The upload limits are in test_hostile_uploads.py, numbers in query strings in test_hostile_params.py.
"""

import csv
import datetime
import io
import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.template import Context, Template
from django.urls import reverse

from incidents import downloads, imports
from incidents.exports import spreadsheet_safe
from incidents.models import ExternalIdentifier, Incident
from incidents.views import charts as chart_views
from sources.models import Report, Source
from sources.validators import blank_unsafe_web_addresses, is_web_address, validate_web_address
from tests import factories

pytestmark = pytest.mark.django_db

EVIL = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,<script>x</script>", "vbscript:x",
        "ftp://example.org/x", "//evil.example/x", "http:", "https:/x"]
GOOD = ["http://example.org/a", "https://example.org/a?b=1", "HTTPS://EXAMPLE.ORG/"]

# Every URL column of every model: the field validator and the database CHECK must hold on each.
URL_FIELDS = [(Report, "url"), (Report, "archive_url"), (Source, "homepage"), (ExternalIdentifier, "url")]


def test_the_rule_accepts_only_http_and_https():
    assert all(is_web_address(url) for url in GOOD)
    assert not any(is_web_address(url) for url in EVIL)
    for url in EVIL:
        with pytest.raises(ValidationError, match="http:// or https://"):
            validate_web_address(url)
    validate_web_address("")


@pytest.mark.parametrize(("model", "field"), URL_FIELDS)
def test_every_url_field_carries_the_validator(model, field):
    assert validate_web_address in model._meta.get_field(field).validators


def _record(model):
    return {Report: factories.ReportFactory, Source: factories.SourceFactory, ExternalIdentifier: factories.ExternalIdentifierFactory}[model]()


@pytest.mark.parametrize(("model", "field"), URL_FIELDS)
def test_full_clean_refuses_a_javascript_link(model, field):
    record = _record(model)
    setattr(record, field, "javascript:alert(1)")
    with pytest.raises(ValidationError) as refused:
        record.full_clean()
    assert field in refused.value.message_dict


@pytest.mark.parametrize(("model", "field"), URL_FIELDS)
@pytest.mark.parametrize("value", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x"])
def test_the_database_refuses_it_even_through_update(model, field, value):
    record = _record(model)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=record.pk).update(**{field: value})
    model.objects.filter(pk=record.pk).update(**{field: "HTTPS://example.org/ok"})  # any letter case of http(s) is fine


def test_bulk_create_cannot_store_it_either():
    incident = factories.IncidentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ExternalIdentifier.objects.bulk_create([ExternalIdentifier(incident=incident, dataset="other", identifier="x", url="javascript:x")])


def test_the_admin_refuses_it_in_words(admin_client):
    source = factories.SourceFactory()
    url = reverse("admin:sources_source_change", args=[source.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list | tuple)}
    data.update(homepage="javascript:alert(1)", kind=source.kind, name=source.name, slug=source.slug, public_label=source.public_label,
                **{f"aliases-{key}": "0" for key in ("TOTAL_FORMS", "INITIAL_FORMS")})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "homepage" in response.context["adminform"].form.errors
    source.refresh_from_db()
    assert source.homepage == ""


def _import_csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_an_import_with_a_javascript_permalink_is_a_row_error_and_writes_nothing():
    content = _import_csv([
        {"title": "Fine", "date_start": "2017-01-01", "permalink": "https://example.org/1", "source_url": ""},
        {"title": "Hostile", "date_start": "2017-01-02", "permalink": "javascript:alert(document.cookie)",
         "source_url": "https://example.org/news"},
    ])
    for dry_run in (True, False):
        report = imports.import_file(content, "hostile.csv", dry_run=dry_run)
        assert not report.ok
        assert any(error.startswith("Row 3, column `permalink`") and "javascript:alert(document.cookie)" in error for error in report.errors)
    assert (Incident.objects.count(), ExternalIdentifier.objects.count(), Report.objects.count()) == (0, 0, 0)


def test_an_import_with_a_javascript_source_url_is_a_row_error():
    content = _import_csv([{"title": "T", "date_start": "2017-01-01", "source_url": "javascript:alert(1)"}])
    report = imports.import_file(content, "hostile.csv", dry_run=False)
    assert any(error.startswith("Row 2, column `source_url`") and "javascript:alert(1)" in error for error in report.errors)
    assert Report.objects.count() == 0


def test_safe_url_drops_any_link_that_is_not_http():
    template = Template('{% load tracker %}<a href="{{ url|safe_url }}">x</a>')
    assert template.render(Context({"url": "javascript:alert(1)"})) == '<a href="">x</a>'
    assert template.render(Context({"url": "https://example.org/"})) == '<a href="https://example.org/">x</a>'


def test_pages_never_render_a_stored_javascript_link(client, monkeypatch):
    """Should one get past the database (an old backup, a raw restore), no page makes it a link."""
    incident = factories.IncidentFactory(status="published")
    report = factories.ReportFactory(url="https://example.org/r", archive_url="https://archive.example.org/r")
    factories.FigureFactory(incident=incident, report=report, count_min=1, count_max=2)
    factories.ExternalIdentifierFactory(incident=incident, dataset="other", identifier="X1", url="https://example.org/x")
    evil = "javascript:alert(1)"
    monkeypatch.setattr(ExternalIdentifier, "link", property(lambda self: evil))
    for model, field in [(Report, "url"), (Report, "archive_url"), (Source, "homepage")]:
        monkeypatch.setattr(model, field, property(lambda self: evil, lambda self, value: None), raising=False)
    for url in [incident.get_absolute_url(), reverse("source_detail", args=[report.source.slug])]:
        html = client.get(url).content.decode()
        assert "javascript:" not in html.lower(), url


def test_the_migration_blanks_bad_links_and_logs_them(caplog):
    report = factories.ReportFactory(url="https://example.org/ok")
    bad = factories.ReportFactory(url="https://example.org/bad", archive_url="https://example.org/keep")
    # As if stored before the constraint existed: SQLite can ignore CHECKs for a moment; PostgreSQL drops it in a transaction.
    constraint = next(c for c in Report._meta.constraints if c.name == "report_url_is_web_address")
    with transaction.atomic():
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = ON")
            Report.objects.filter(pk=bad.pk).update(url="javascript:alert(1)")
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
        else:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events before ALTER TABLE
            with connection.schema_editor() as editor:
                editor.remove_constraint(Report, constraint)
            Report.objects.filter(pk=bad.pk).update(url="javascript:alert(1)")
        with caplog.at_level(logging.WARNING):
            assert blank_unsafe_web_addresses(Report, {"url": ("url_normalised",), "archive_url": ()}, logging.getLogger("t")) == 1
        if connection.vendor != "sqlite":
            with connection.schema_editor() as editor:
                editor.add_constraint(Report, constraint)
    bad.refresh_from_db()
    assert (bad.url, bad.url_normalised, bad.archive_url) == ("", "", "https://example.org/keep")
    assert Report.objects.filter(pk=report.pk, url="https://example.org/ok").exists()
    assert f"sources.Report {bad.pk}: blanked url 'javascript:alert(1)'" in caplog.text


# Formula injection: every CSV writer.

FORMULAS = ['=HYPERLINK("http://evil")', "@SUM(1)", "-2+3", "\tX", "+1", "\rY"]


def test_spreadsheet_safe_neutralises_text_not_numbers():
    for text in FORMULAS:
        assert spreadsheet_safe(text) == "'" + text
    assert spreadsheet_safe(-3) == -3
    assert spreadsheet_safe("Strike on Mosul") == "Strike on Mosul"
    assert spreadsheet_safe(None) is None


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))


@pytest.fixture
def formula_incidents():
    made = []
    for number, title in enumerate(FORMULAS, start=1):
        incident = factories.IncidentFactory(status="published", title=title, locality=title, latitude=33.3, longitude=-3.5,
                                             date_start=f"2017-01-{number:02d}")
        factories.FigureFactory(incident=incident, report=factories.ReportFactory(title=title, url=f"https://example.org/{number}"),
                                count_min=1, count_max=2, attributed_to=title)
        made.append(incident)
    return made


@pytest.mark.parametrize("name", ["export_csv", "export_hxl"])
def test_incident_csv_exports_neutralise_formulas(client, formula_incidents, name):
    rows = _rows(b"".join(client.get(reverse(name)).streaming_content).decode())
    rows = [row for row in rows if not row["title"].startswith("#")]
    assert sorted(row["title"] for row in rows) == sorted("'" + text for text in FORMULAS)
    assert {row["locality"] for row in rows} == {"'" + text for text in FORMULAS}
    assert {row["longitude"] for row in rows} == {"-3.5"}  # a number stays a number


def test_claims_csv_neutralises_formulas(client, formula_incidents):
    rows = _rows(b"".join(client.get(reverse("export_claims")).streaming_content).decode())
    texts = {value for row in rows for value in row.values()}
    assert not any(text.startswith(tuple("=+-@\t\r")) for text in texts if text and not text.lstrip("-").replace(".", "").isdigit())
    assert "'=HYPERLINK(\"http://evil\")" in texts


def test_json_exports_keep_the_words_exactly(client, formula_incidents):
    body = b"".join(client.get(reverse("export_json")).streaming_content).decode()
    assert '"=HYPERLINK(\\"http://evil\\")"' in body and "'=HYPERLINK" not in body


def test_chart_csv_writer_neutralises_text_cells():
    response = chart_views._csv([["=1+1", -3, "@x"]], ["period", "count", "note"], "x.csv")
    assert response.content.decode().splitlines()[1] == "'=1+1,-3,'@x"


def test_downloads_neutralise_formulas(formula_incidents, tmp_path):
    zip_path = next(path for path in downloads.build_downloads(day=datetime.date(2017, 2, 1), directory=tmp_path)
                    if path.suffix == ".zip")
    incidents = downloads.csv_of(zip_path, "incidents.csv")
    assert {row["title"] for row in incidents} == {"'" + text for text in FORMULAS}
    assert {row["longitude"] for row in incidents} == {"-3.5"}
