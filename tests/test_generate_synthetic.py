"""The synthetic data generator (`manage.py generate_synthetic`, `incidents.synthetic`): realistic, reproducible,
derived by the one rule, within every database rule, and kept off public surfaces where it is unpublished or private."""

import io
import re
import statistics
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from rest_framework.test import APIClient

from incidents import choices, positions, services, synthetic
from incidents.models import CasualtyFigure, Incident, OfficialStatement, Position, Victim
from sources.models import Report
from sources.text import normalise_url, quote_in_text

pytestmark = pytest.mark.django_db

SIZE, SEED = 80, 2  # a seed whose 80 incidents hold every kind of record the tests look for
ARABIC = re.compile(r"[\u0600-\u06FF]")


def generate(**options) -> str:
    """Run the command as a user would; returns what it wrote on stderr (the progress)."""
    err = io.StringIO()
    call_command("generate_synthetic", incidents=options.pop("incidents", SIZE), seed=options.pop("seed", SEED),
                 stdout=io.StringIO(), stderr=err, **options)
    return err.getvalue()


@pytest.fixture
def generated(db):
    progress = generate()
    return {"progress": progress, "incidents": list(synthetic.synthetic_incidents().order_by("code"))}


def stored_positions(incident) -> list[tuple]:
    return sorted(tuple(getattr(row, f) for f in ["actor_id", *positions.STORED_FIELDS])
                  for row in Position.objects.filter(incident=incident))


def derived_positions(incident) -> list[tuple]:
    return sorted(tuple(getattr(row, f) for f in ["actor_id", *positions.STORED_FIELDS])
                  for row in positions.derive_positions(incident))


def test_writes_the_number_asked_with_recognisable_codes_and_shows_progress(generated):
    codes = [incident.code for incident in generated["incidents"]]
    assert codes == [synthetic.synthetic_code(n) for n in range(1, SIZE + 1)]
    assert codes[0] == "SYN-0000001"
    assert "rows/s" in generated["progress"] and "derived figures" in generated["progress"]


def test_every_incident_stores_what_the_rule_derives(generated):
    assert any(incident.reported_killed_min is not None for incident in generated["incidents"])
    for incident in generated["incidents"]:
        assert {field: getattr(incident, field) for field in services.DERIVED_FIELDS} == services.derive_figures(incident), \
            incident.code
        assert stored_positions(incident) == derived_positions(incident), incident.code
    assert Position.objects.filter(incident__in=generated["incidents"]).exists()


def test_every_record_passes_the_model_rules(generated):
    """What the database checks is checked on insert (a broken rule raises); the rules only forms check, here."""
    incidents = generated["incidents"]
    for incident in incidents:
        incident.full_clean()
    claims = CasualtyFigure.objects.filter(incident__in=incidents).select_related("report", "statement")
    for claim in claims:
        claim.full_clean()
        bounds = choices.QUALIFIER_BOUNDS[claim.qualifier]
        assert (claim.count_min is not None) == bounds["min"] and (claim.count_max is not None) == bounds["max"]
        if claim.basis == choices.Basis.CONCEDED:
            assert claim.conceded_by_id is not None and claim.conceded_by_id == claim.statement.issuer_id
        if claim.quote and claim.report and claim.report.text:
            assert quote_in_text(claim.quote, claim.report.text), claim.quote
    for statement in OfficialStatement.objects.filter(incident__in=incidents).select_related("report"):
        statement.full_clean()
    for victim in Victim.objects.filter(incident__in=incidents):
        victim.full_clean()
    for report in synthetic.synthetic_reports():
        report.full_clean()
        assert report.url_normalised == normalise_url(report.url)
    # Every claim's and statement's report is linked to its incident (sources_count counts them).
    for incident in incidents:
        linked = set(incident.report_links.values_list("report_id", flat=True))
        assert set(incident.figures.exclude(report=None).values_list("report_id", flat=True)) <= linked
        assert 1 <= incident.sources_count == len(linked) <= 5


def test_the_data_has_the_mix_of_a_real_tracker(generated):
    incidents = generated["incidents"]
    assert set(choices.Status) == {incident.status for incident in incidents}
    assert Counter(incident.status for incident in incidents).most_common(1)[0][0] == choices.Status.PUBLISHED
    assert len({incident.date_precision for incident in incidents}) >= 4
    assert len({incident.geo_precision for incident in incidents}) >= 6
    assert all(incident.date_start.year in range(2014, 2027) for incident in incidents)
    assert len({incident.country for incident in incidents}) >= 5
    # Coordinates as precise as the precision says: none for some "country only", a point otherwise.
    for incident in incidents:
        if incident.geo_precision != choices.GeoPrecision.COUNTRY:
            assert incident.latitude is not None, incident.code
        if incident.geo_precision in (choices.GeoPrecision.PROVINCE, choices.GeoPrecision.COUNTRY):
            assert not incident.locality
    claims = CasualtyFigure.objects.filter(incident__in=incidents)
    per_incident = list(claims.values("incident").annotate(n=Count("pk")).values_list("n", flat=True))
    assert len(per_incident) == SIZE and min(per_incident) >= 1 and max(per_incident) <= 8
    assert statistics.median(per_incident) <= 2 and max(per_incident) >= 5  # most few, some well documented
    assert len({claim.qualifier for claim in claims}) >= 6
    assert {choices.Basis.REPORTED, choices.Basis.CONCEDED} <= {claim.basis for claim in claims}
    assert claims.filter(excluded=True).exists()
    assert OfficialStatement.objects.filter(incident__in=incidents).exists()
    assert Report.objects.filter(incident_links__incident__in=incidents, source__is_confidential=True).exists()
    victims = Victim.objects.filter(incident__in=incidents)
    assert {choices.Visibility.PUBLIC, choices.Visibility.PRIVATE} <= set(victims.values_list("visibility", flat=True))
    grouped = [incident for incident in incidents if incident.related_group is not None]
    assert grouped and all(incident.related.exists() for incident in grouped)
    # Text search has something to find: accented transliterations and Arabic script.
    text = " ".join(f"{i.title} {i.locality} {i.admin1} {i.place_name_ar}" for i in incidents)
    assert ARABIC.search(text) and re.search(r"[āīūḤḥṣṢʿ]", text)
    assert any(ARABIC.search(claim.quote) for claim in claims)


def test_same_seed_gives_the_same_data_whatever_the_chunk_size(generated):
    first = synthetic.digest()
    generate(reset=True, chunk=7)
    assert synthetic.digest() == first
    generate(reset=True, seed=SEED + 1)
    assert synthetic.digest() != first


def test_a_second_run_without_reset_is_refused_and_writes_nothing(generated):
    before = (Incident.objects.count(), CasualtyFigure.objects.count(), Report.objects.count(), synthetic.digest())
    with pytest.raises(CommandError, match="already exists.*--reset"):
        generate()
    assert (Incident.objects.count(), CasualtyFigure.objects.count(), Report.objects.count(), synthetic.digest()) == before


def test_reset_replaces_synthetic_data_and_nothing_else(generated):
    from tests import factories

    own = factories.IncidentFactory(status="published", title="Not synthetic")
    generate(reset=True, incidents=30)
    assert synthetic.synthetic_incidents().count() == 30
    assert Incident.objects.filter(pk=own.pk).exists()
    assert not Incident.history.filter(code=synthetic.synthetic_code(31)).exists()  # the removed ones' history too


def test_every_row_has_its_creation_in_history(generated):
    incidents = generated["incidents"]
    created = Incident.history.filter(code__startswith="SYN-", history_type="+")
    assert created.count() == SIZE
    assert CasualtyFigure.history.filter(history_type="+", incident_id__in=[i.pk for i in incidents]).count() == \
        CasualtyFigure.objects.filter(incident__in=incidents).count()
    assert Report.history.filter(history_type="+", id__in=synthetic.synthetic_reports().values("pk")).count() == \
        synthetic.synthetic_reports().count()


def test_unpublished_and_private_records_stay_off_the_public_surfaces(generated, client):
    incidents = generated["incidents"]
    published = {i.code for i in incidents if i.status == choices.Status.PUBLISHED}
    hidden = [i for i in incidents if i.status in (choices.Status.DRAFT, choices.Status.IN_REVIEW)]
    assert hidden and published
    api = APIClient()
    listed = api.get("/api/v1/incidents/?page_size=200").json()
    assert {row["code"] for row in listed["results"]} == published
    first_page = client.get("/incidents/?sort=-updated").content.decode()
    for incident in hidden:
        assert client.get(f"/incidents/{incident.code}/").status_code == 404
        assert api.get(f"/api/v1/incidents/{incident.code}/").status_code == 404
        assert incident.code not in first_page

    confidential = Report.objects.filter(source__is_confidential=True, incident_links__incident__code__in=published).distinct()
    private = Victim.objects.filter(incident__code__in=published, visibility=choices.Visibility.PRIVATE).exclude(name="")
    assert confidential.exists() and private.exists()
    for report in confidential.select_related("source"):
        for incident in Incident.objects.filter(report_links__report=report, code__in=published):
            for surface in (client.get(f"/incidents/{incident.code}/"), api.get(f"/api/v1/incidents/{incident.code}/")):
                assert surface.status_code == 200
                assert report.source.name not in surface.content.decode()
    for victim in private:
        public_names = set(Victim.objects.filter(incident=victim.incident, visibility=choices.Visibility.PUBLIC)
                           .values_list("name", flat=True))
        if victim.name in public_names:
            continue
        for surface in (client.get(f"/incidents/{victim.incident.code}/"), api.get(f"/api/v1/incidents/{victim.incident.code}/")):
            assert victim.name not in surface.content.decode() and victim.name_ar not in surface.content.decode()


def test_bad_numbers_are_refused_clearly(db):
    with pytest.raises(CommandError, match="at least 1"):
        generate(incidents=0)


def test_after_a_load_the_planner_has_statistics_and_checks_a_report_from_its_links(db):
    # Without statistics SQLite walked every published incident for each report it checked (minutes at 100,000);
    # PostgreSQL keeps its own statistics (autovacuum).
    if connection.vendor != "sqlite":
        pytest.skip("SQLite has no planner statistics until ANALYZE runs")
    call_command("generate_synthetic", incidents=40, seed=2, stdout=io.StringIO(), stderr=io.StringIO())
    sql, params = Report.objects.public().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'incidents_incidentreport'")
        assert cursor.fetchone()[0] > 0
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "incidents_incidentreport_report_id" in plan
