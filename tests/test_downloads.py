"""Full downloads: a dated ZIP of CSVs and a SQLite file of the published data only, the same bytes for the same data and date."""

import datetime
import hashlib
import io
import sqlite3
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from incidents import downloads
from incidents.exports import INCIDENT_COLUMNS
from tests import factories
from tests.dataworld import build_world, hidden_strings, published_codes

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 24)


@pytest.fixture
def world(settings, tmp_path):
    settings.DOWNLOADS_DIR = tmp_path / "downloads"
    settings.SITE_URL = "https://tracker.example.org"
    world = build_world()
    factories.AggregateClaimFactory(status="published", report=factories.ReportFactory(source=world["outlet"]), quote="1,000 civilians")
    factories.AggregateClaimFactory(status="draft", report=factories.ReportFactory(source=world["outlet"]), quote="draft aggregate")
    return world


def build(tmp_path) -> tuple:
    zip_path, sqlite_path = downloads.build_downloads(day=DAY)
    return zip_path, sqlite_path


def test_zip_holds_every_file_with_checksums(world, tmp_path):
    zip_path, _ = build(tmp_path)
    assert zip_path.name == "casualty-tracker-2026-11-24.zip"
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        assert names == ["README.txt", "data-dictionary.csv", "CITATIONS.txt", "incidents.csv", "claims.csv", "aggregate_claims.csv",
                         "statements.csv", "reports.csv", "sources.csv", "SHA256SUMS.txt"]
        sums = dict(reversed(line.split("  ")) for line in archive.read("SHA256SUMS.txt").decode().splitlines())
        for name in names[:-1]:
            assert hashlib.sha256(archive.read(name)).hexdigest() == sums[name]
        text = "".join(archive.read(name).decode() for name in names)
    assert "dataset of 2026-11-24" in downloads.read_member(zip_path, "README.txt")
    assert "Sundberg" in downloads.read_member(zip_path, "CITATIONS.txt")
    dictionary = downloads.csv_of(zip_path, "data-dictionary.csv")
    assert {row["column"] for row in dictionary if row["file"] == "incidents.csv"} == {c.name for c in INCIDENT_COLUMNS}
    assert all(row["meaning"] for row in dictionary)
    assert [row["code"] for row in downloads.csv_of(zip_path, "incidents.csv")] == published_codes()
    assert downloads.csv_of(zip_path, "incidents.csv")[0]["permalink"].startswith("https://tracker.example.org/incidents/")
    # The world's own aggregate claim (cited to a confidential source's report) and this one; never the draft.
    assert sorted(row["quote"] for row in downloads.csv_of(zip_path, "aggregate_claims.csv")) == [
        "1,000 civilians", "100 civilians at least were killed"]
    for hidden in [*hidden_strings(world), "draft aggregate"]:
        assert hidden not in text
    sidecar = (zip_path.parent / f"{zip_path.name}.sha256").read_text()
    assert sidecar == f"{hashlib.sha256(zip_path.read_bytes()).hexdigest()}  {zip_path.name}\n"


def test_sqlite_opens_and_holds_published_rows_only(world, tmp_path):
    _, sqlite_path = build(tmp_path)
    connection = sqlite3.connect(sqlite_path)
    try:
        codes = [row[0] for row in connection.execute("SELECT code FROM incidents ORDER BY rowid")]
        assert codes == published_codes()
        assert connection.execute("SELECT reported_killed_min, reported_killed_max, latitude FROM incidents WHERE code = ?",
                                  (world["mosul"].code,)).fetchone() == (83, 137, 36.34)
        claims = connection.execute("SELECT DISTINCT incident_code FROM claims").fetchall()
        assert {row[0] for row in claims} == set(codes)
        assert connection.execute("SELECT count(*) FROM claims WHERE quote LIKE '%excluded%'").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM aggregate_claims").fetchone() == (2,)
        assert connection.execute("SELECT source FROM reports WHERE title = ''").fetchall() == [("local source",)]
        assert "secret-source" not in {row[0] for row in connection.execute("SELECT slug FROM sources")}
        assert connection.execute("SELECT count(*) FROM data_dictionary").fetchone()[0] > 50
        dump = "\n".join(connection.iterdump())
    finally:
        connection.close()
    for hidden in hidden_strings(world):
        assert hidden not in dump


def test_same_data_and_date_give_the_same_bytes(world, tmp_path, settings):
    first = [path.read_bytes() for path in build(tmp_path)]
    settings.DOWNLOADS_DIR = tmp_path / "again"
    second = [path.read_bytes() for path in build(tmp_path)]
    assert first == second


def test_command_and_data_page(world, client, settings):
    out = io.StringIO()
    call_command("build_downloads", "--date", "2026-11-24", stdout=out)
    assert "casualty-tracker-2026-11-24.zip" in out.getvalue()
    page = client.get(reverse("data"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "casualty-tracker-2026-11-24.zip" in html and "casualty-tracker-2026-11-24.sqlite" in html
    sha = (settings.DOWNLOADS_DIR / "casualty-tracker-2026-11-24.zip.sha256").read_text().split()[0]
    assert sha in html and "#affected+killed+min" in html
    response = client.get(reverse("data_file", args=["casualty-tracker-2026-11-24.sqlite"]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert client.get(reverse("data_file", args=["settings.py"])).status_code == 404
    assert client.get(reverse("data_file", args=["casualty-tracker-2020-01-01.zip"])).status_code == 404


def test_data_page_without_downloads(client, settings, tmp_path):
    settings.DOWNLOADS_DIR = tmp_path / "none"
    response = client.get(reverse("data"))
    assert response.status_code == 200 and "build_downloads" in response.content.decode()
