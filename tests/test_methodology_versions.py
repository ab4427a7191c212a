"""The versioned method: the methodology page's version and dated history, the guard that a change to the derivation
rule is recorded there, and the version named by downloads, prebuilt exports, citations, /data/ and the API schema."""

import dataclasses
import datetime
import html
import inspect
import sqlite3

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from incidents import choices, downloads, full_exports, methodology_versions, services
from incidents.methodology_versions import VERSIONS, current_methodology, methodology_history, rule_fingerprint
from tests import factories

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def english(value) -> str:
    with translation.override("en"):
        return str(value)


def test_versions_are_numbered_dated_and_newest_first():
    numbers = [version.number for version in methodology_history()]
    assert numbers == list(range(len(numbers), 0, -1))
    dates = [version.in_force_from for version in methodology_history()]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == len(dates)
    assert current_methodology() is VERSIONS[0]
    assert (current_methodology().number, current_methodology().in_force_from) == (3, datetime.date(2026, 11, 30))
    assert [(v.number, v.in_force_from) for v in VERSIONS[1:]] == [(2, datetime.date(2026, 11, 29)), (1, datetime.date(2026, 11, 24))]
    # "Every number honest" split into its separate changes; SDG 16.1.2 likewise.
    assert len(VERSIONS[1].changes) == 6 and len(current_methodology().changes) == 5
    assert all(version.changes and version.summary for version in VERSIONS)


def test_page_shows_the_version_in_force_near_the_top(client):
    page = text(client.get(reverse("methodology")))
    current = current_methodology()
    line = f"Methodology version {current.number}</strong>, in force since <time datetime=\"2026-11-30\">30 November 2026</time>"
    assert line in page
    assert page.index(line) < page.index('aria-label="On this page"') < page.index('id="grades"')
    assert f'href="#{current.anchor}"' in page


def test_page_shows_every_version_with_its_date_and_changes(client):
    page = text(client.get(reverse("methodology")))
    history = page[page.index('id="rule-versions"'):page.index('id="standards"')]
    for version in methodology_history():
        row = history[history.index(f'<tr id="method-v{version.number}">'):]
        row = row[:row.index("</tr>")]
        assert f'datetime="{version.in_force_from.isoformat()}"' in row
        assert version.in_force_from.strftime("%-d %B %Y") in row
        assert english(version.summary) in row
        for change in version.changes:
            assert f"<li>{english(change)}</li>" in row
    assert "women → civilian adult females" in history and "all deaths → any status" in history


def test_arabic_page_shows_the_history_translated(client):
    page = text(client.get("/ar/methodology/"))
    assert "إصدار المنهجية 3" in page and 'id="method-v3"' in page and 'id="method-v1"' in page
    with translation.override("ar"):
        for version in methodology_history():
            assert str(version.summary) in page
            for change in version.changes:
                assert str(change) in page and str(change) != english(change)
    assert english(current_methodology().changes[2]) not in page


def test_the_rule_in_the_code_is_the_one_the_current_version_records():
    """Fails when the derivation code changes without a methodology version: see incidents/methodology_versions.py."""
    assert rule_fingerprint() == current_methodology().fingerprint, (
        "The derivation rule changed: add a methodology version (or, for an edit that changes no figure's meaning, "
        "update the current one's fingerprint) with `manage.py methodology_fingerprint`."
    )


def test_a_changed_docstring_of_derive_figures_changes_the_fingerprint(monkeypatch):
    source = inspect.getsource

    def edited(part):
        found = source(part)
        return found.replace("Only the numbers decide", "Only the words decide") if part is services.derive_figures else found

    monkeypatch.setattr(methodology_versions.inspect, "getsource", edited)
    assert rule_fingerprint() != current_methodology().fingerprint


def test_a_changed_derivation_function_or_constant_changes_the_fingerprint(monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(services, "_envelopes", lambda found: {})
        assert rule_fingerprint() != current_methodology().fingerprint
    with monkeypatch.context() as patched:
        patched.setattr(services, "REPORTED_ENVELOPES", services.REPORTED_ENVELOPES[:1])
        assert rule_fingerprint() != current_methodology().fingerprint
    assert rule_fingerprint() == current_methodology().fingerprint


def test_fingerprint_command_prints_it_and_says_when_it_is_not_recorded(monkeypatch, capsys):
    call_command("methodology_fingerprint")
    out, err = capsys.readouterr()
    assert out.strip() == current_methodology().fingerprint and err == ""
    monkeypatch.setattr(methodology_versions, "VERSIONS", (dataclasses.replace(VERSIONS[0], fingerprint="old"), *VERSIONS[1:]))
    call_command("methodology_fingerprint")
    out, err = capsys.readouterr()
    assert out.strip() == rule_fingerprint() and "add a version" in err


@pytest.fixture
def downloads_dir(settings, tmp_path):
    settings.DOWNLOADS_DIR = tmp_path / "downloads"
    settings.SITE_URL = "https://tracker.example.org"
    factories.IncidentFactory(status=choices.Status.PUBLISHED)
    return settings.DOWNLOADS_DIR


def test_full_download_names_the_methodology_version(downloads_dir):
    zip_path, sqlite_path = downloads.build_downloads(day=datetime.date(2026, 11, 30))
    readme = downloads.read_member(zip_path, "README.txt")
    assert "Cite as: Casualty Tracker, dataset of 2026-11-30 (methodology version 3)." in readme
    assert ("Figures derived under methodology version 3, in force since 2026-11-30: "
            "https://tracker.example.org/methodology/#method-v3") in readme
    assert "(methodology version 3)" in downloads.read_member(zip_path, "CITATIONS.txt")
    connection = sqlite3.connect(sqlite_path)
    try:
        facts = dict(connection.execute('SELECT "key", "value" FROM "dataset"'))
    finally:
        connection.close()
    assert facts["methodology_version"] == "3" and facts["methodology_in_force_from"] == "2026-11-30"
    assert facts["methodology_url"] == "https://tracker.example.org/methodology/#method-v3"
    assert facts["dataset_date"] == "2026-11-30"


def test_prebuilt_exports_of_an_older_method_are_not_served(downloads_dir, monkeypatch, client):
    built = full_exports.build_full_exports()
    assert built and all("-method3." in path.name for path in built)
    assert full_exports.fresh_full_export("csv") is not None
    newer = dataclasses.replace(VERSIONS[0], number=4, in_force_from=datetime.date(2026, 12, 1))
    monkeypatch.setattr(methodology_versions, "VERSIONS", (newer, *VERSIONS))
    assert full_exports.fresh_full_export("csv") is None
    assert client.get(reverse("export_csv")).status_code == 200  # streamed live instead


def test_citation_names_the_methodology_version(client):
    incident = factories.IncidentFactory(status=choices.Status.PUBLISHED)
    page = text(client.get(incident.get_absolute_url()))
    cite = page[page.index('id="cite"'):]
    assert f"(accessed {datetime.date.today().strftime('%-d %B %Y')}). Methodology version 3.</pre>" in cite
    assert '<a href="/methodology/#method-v3">Version 3, in force since 30 November 2026</a>' in cite
    arabic = text(client.get(f"/ar{incident.get_absolute_url()}"))
    assert "إصدار المنهجية 3." in arabic and 'href="/ar/methodology/#method-v3"' in arabic


def test_citation_of_a_retracted_record_names_the_version(client):
    incident = factories.IncidentFactory(status=choices.Status.RETRACTED, retraction_reason="Duplicate of another record.")
    page = text(client.get(incident.get_absolute_url()))
    assert "This record has been retracted" in page and "Methodology version 3.</pre>" in page


def test_data_page_names_the_methodology_version(client):
    page = text(client.get(reverse("data")))
    assert '<a href="/methodology/#method-v3">methodology version 3</a>, in force since 30 November 2026' in page
    assert "(methodology version 3)" in page


def test_api_schema_names_the_methodology_version(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert schema["info"]["x-methodology-version"] == 3
    assert schema["info"]["x-methodology-in-force-from"] == "2026-11-30"
    assert "methodology version 3" in schema["info"]["description"] and "/methodology/#method-v3" in schema["info"]["description"]
