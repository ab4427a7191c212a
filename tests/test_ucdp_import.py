"""The UCDP GED import: the bundled file once, then its quirks on small files written from its own rows."""

import csv
import datetime
import functools
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from incidents import choices
from incidents.models import (
    Actor,
    AggregateClaim,
    BelligerentRoleLink,
    CasualtyFigure,
    Conflict,
    ExternalIdentifier,
    Incident,
    IncidentReport,
)
from incidents.ucdp import GedFormatError, import_ged_file, read_ged_csv
from sources.choices import ReportKind
from sources.models import Report, Source
from tests import factories

BUNDLED = settings.DATA_DIR / "ucdp" / "ucdp_ged191_iraq_hdx_hxl.csv"
MOSUL = "238475"


@functools.cache
def _bundled():
    with BUNDLED.open(newline="", encoding="utf-8") as file:
        reader = csv.reader(file)
        header, hxl = next(reader), next(reader)
        rows = {cells[0]: dict(zip(header, cells, strict=True)) for cells in reader}
    return header, hxl, rows


def ged_row(event_id, **changes) -> dict:
    """A row of the bundled file, optionally changed."""
    row = dict(_bundled()[2][str(event_id)])
    row.update({column: str(value) for column, value in changes.items()})
    return row


def write_ged(tmp_path, rows, name="ged.csv"):
    """A GED file as HDX publishes it: header, HXL row, CRLF line ends."""
    header, hxl, _ = _bundled()
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerow(hxl)
        for row in rows:
            writer.writerow([row.get(column, "") for column in header])
    return path


def run(path, **options):
    with path.open(newline="", encoding="utf-8") as file:
        return import_ged_file(file, **options)


def incident_of(event_id) -> Incident:
    return ExternalIdentifier.objects.get(dataset=choices.Dataset.UCDP_GED, identifier=str(event_id)).incident


def row_counts() -> dict:
    models = [Incident, ExternalIdentifier, CasualtyFigure, AggregateClaim, Report, IncidentReport, Source, Actor, Conflict,
              BelligerentRoleLink]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_bundled_file_imports_every_event_with_civilian_deaths_once():
    rows = list(_bundled()[2].values())
    civilian = [row for row in rows if int(row["deaths_civilians"]) > 0]
    aggregated = [row for row in civilian if row["event_clarity"] == "2"]
    events = [row for row in civilian if row["event_clarity"] == "1"]
    combatant_claims = sum((int(row["deaths_a"]) > 0) + (int(row["deaths_b"]) > 0) for row in events)
    assert len(rows) == 7473 and len(civilian) == 2455 and len(aggregated) == 82

    out = io.StringIO()
    call_command("import_ucdp", stdout=out)

    assert Incident.objects.count() == 2373
    assert set(ExternalIdentifier.objects.filter(dataset="ucdp_ged").values_list("identifier", flat=True)) == {
        row["id"] for row in events
    }
    # UCDP's aggregates (a province over a month, a country over a year) are aggregate claims, never incidents.
    assert AggregateClaim.objects.filter(**choices.CIVILIANS).count() == 82
    assert sum(AggregateClaim.objects.filter(**choices.CIVILIANS).values_list("count_min", flat=True)) == sum(
        int(row["deaths_civilians"]) for row in aggregated
    )
    assert not Incident.objects.exclude(status=choices.Status.DRAFT).exists()
    assert CasualtyFigure.objects.filter(**choices.CIVILIANS).count() == 2373
    assert CasualtyFigure.objects.filter(person_status=choices.ClaimStatus.ANY).count() == 2373
    assert not CasualtyFigure.objects.filter(person_status=choices.ClaimStatus.UNKNOWN).exists()
    assert CasualtyFigure.objects.filter(person_status=choices.ClaimStatus.COMBATANTS).count() == combatant_claims
    assert Report.objects.filter(kind=ReportKind.DATASET_RECORD, source__slug="ucdp").count() == 2455
    # The derived range is the service's: with UCDP's single civilian claim, min = max = deaths_civilians.
    assert not Incident.objects.exclude(reported_killed_min__gte=1).exists()
    mosul = incident_of(MOSUL)
    assert (mosul.reported_killed_min, mosul.reported_killed_max) == (105, 105)
    assert mosul.sources_count == 7  # the UCDP record and six distinct articles (one listed twice)
    text = out.getvalue()
    # Counted by reason, not lumped as "left out": these events have no civilian deaths.
    assert "2373 incidents created" in text and "5,018 skipped: no civilian deaths" in text and "82 events UCDP marks as aggregated" in text
    assert "low_above_high: 6 events" in text and "sources_not_recorded: 1,119 events" in text

    before = row_counts()
    out = io.StringIO()
    call_command("import_ucdp", stdout=out)
    assert row_counts() == before
    assert "0 incidents created" in out.getvalue() and "2,373 skipped: already imported (UCDP " in out.getvalue()


@pytest.mark.django_db
def test_event_maps_to_incident_fields(tmp_path):
    result = run(write_ged(tmp_path, [ged_row(MOSUL)]))

    assert (result.created, result.merged, result.skipped) == (1, 0, 0)
    incident = incident_of(MOSUL)
    assert incident.code == f"CT-{incident.pk:06d}"
    assert incident.title == "Airstrike: Government of Iraq vs IS"
    assert "UCDP" in incident.summary and "Government of Iraq and IS" in incident.summary
    assert (incident.date_start, incident.date_end, incident.date_precision) == (datetime.date(2017, 3, 17), None, "day")
    assert (incident.country, incident.admin1, incident.admin2, incident.locality) == ("IQ", "Nīnawá", "Qaḑā’ al Mawşil", "Mosul")
    assert (incident.latitude, incident.longitude) == (Decimal("36.335000"), Decimal("43.118889"))
    assert incident.geo_precision == choices.GeoPrecision.TOWN
    assert (incident.event_type, incident.event_type_inferred) == (choices.EventType.AIRSTRIKE, True)
    assert (incident.conflict.name, incident.conflict.ucdp_conflict_id, incident.conflict.slug) == (
        "Iraq: Government", 259, "iraq-government",
    )
    assert sorted(incident.belligerent_roles.values_list("actor__name", "role")) == [
        ("Government of Iraq", "alleged"), ("IS", "alleged"),
    ]
    assert incident.history.filter(history_type="+").count() == 1

    record = Report.objects.get(url="https://ucdp.uu.se/event/238475")
    assert (record.title, record.kind, record.source.name, record.text) == (
        "UCDP GED 19.1 event 238475", ReportKind.DATASET_RECORD, "Uppsala Conflict Data Program (UCDP)", "",
    )
    claims = {figure.person_status: figure for figure in incident.figures.all()}
    assert set(claims) == {"civilian", "any", "combatants"}
    civilians = claims["civilian"]
    assert (civilians.count_min, civilians.count_max, civilians.qualifier, civilians.basis) == (105, 105, "about", "reported")
    assert (civilians.attributed_to, civilians.stated_on, civilians.quote, civilians.report) == (
        "Local officials, representative WHO in Iraq", datetime.date(2017, 5, 25), "", record,
    )
    all_deaths = claims["any"]
    assert (all_deaths.count_min, all_deaths.count_max, all_deaths.count_best, all_deaths.qualifier, all_deaths.caveat) == (
        107, 143, 107, "between", "",
    )
    assert civilians.count_best == 105
    assert "0 of" not in incident.summary and "All deaths (any status), UCDP low–high: 107–143, best estimate 107" in incident.summary
    assert incident.external_ids.get().source_codes == "where_prec 1; date_prec 1; event_clarity 1"
    assert claims["combatants"].count_min == 2 and "IS" in claims["combatants"].attributed_to

    articles = Report.objects.exclude(pk=record.pk)
    assert articles.count() == 6  # seven listed, one of them twice
    assert set(incident.report_links.values_list("report_id", flat=True)) == {record.pk, *articles.values_list("pk", flat=True)}
    strike = articles.get(title="US acknowledges its forces were behind airstrike on Mosul")
    assert (strike.source.name, strike.source.kind, strike.published_on, strike.url) == (
        "Associated Press Newswires", "news_outlet", datetime.date(2017, 3, 25), "",
    )
    assert [str(w) for w in result.warnings] == [
        "event 238475: 1 article listed again in the same event; each article linked once.",
    ]


@pytest.mark.django_db
def test_mosul_event_merges_into_the_incident_that_carries_its_ucdp_id(tmp_path):
    reference = factories.IncidentFactory(title="Airstrike on Mosul al-Jadida, west Mosul", status="published",
                                          grade=choices.Grade.FAIR, locality="Mosul al-Jadida")
    factories.ExternalIdentifierFactory(incident=reference, identifier=MOSUL)
    factories.FigureFactory(incident=reference, count_min=137, count_max=137)
    reference.refresh_from_db()
    assert (reference.reported_killed_min, reference.reported_killed_max) == (137, 137)

    result = run(write_ged(tmp_path, [ged_row(MOSUL)]))

    assert (result.created, result.merged) == (0, 1)
    assert Incident.objects.count() == 1
    reference.refresh_from_db()
    assert (reference.title, reference.status, reference.grade, reference.locality, reference.event_type_inferred) == (
        "Airstrike on Mosul al-Jadida, west Mosul", "published", "fair", "Mosul al-Jadida", False,
    )
    assert reference.summary == "" and reference.conflict is None and not reference.belligerent_roles.exists()
    ucdp_claims = reference.figures.filter(report__source__slug="ucdp")
    assert sorted(ucdp_claims.values_list("person_status", "count_min", "count_max")) == [
        ("any", 107, 143), ("civilian", 105, 105), ("combatants", 2, 2),
    ]
    # Recomputed by the service once the import's transaction ends: UCDP's 105 widens the envelope.
    assert (reference.reported_killed_min, reference.reported_killed_max) == (105, 137)
    assert reference.sources_count == 1 + 7  # the factory's report, UCDP's record, six articles

    again = run(write_ged(tmp_path, [ged_row(MOSUL)]))
    assert (again.merged, again.unchanged) == (0, 1)
    assert reference.figures.count() == 4


@pytest.mark.django_db
def test_low_above_high_is_stored_with_bounds_swapped_and_a_warning(tmp_path):
    # 145155: low 22, best 22, high 21, no civilian deaths: imported with --all only.
    assert run(write_ged(tmp_path, [ged_row(145155)])).created == 0

    result = run(write_ged(tmp_path, [ged_row(145155)]), only_civilian=False)

    claim = incident_of(145155).figures.get()
    assert (claim.person_status, claim.count_min, claim.count_max, claim.count_best, claim.excluded) == ("any", 21, 22, 22, False)
    assert claim.caveat == "UCDP gives low 22 above high 21; the bounds were swapped on import."
    warning = next(w for w in result.warnings if w.kind == "low_above_high")
    assert warning.event_id == 145155
    assert str(warning) == (
        "event 145155: all deaths: low 22 is above high 21 (best 22); "
        "stored the all-deaths claim as 21–22, bounds swapped, with a public caveat on the claim."
    )


@pytest.mark.django_db
def test_unrecorded_sources_keep_the_note_as_one_report_per_year(tmp_path):
    rows = [
        ged_row(121463),  # -1, note "r 9/4", 2004
        ged_row(121463, id=990001),
        ged_row(121463, id=990002, year=2005, date_start="2005-04-07", date_end="2005-04-08"),
        ged_row(121451),  # -1 with no note at all
    ]
    result = run(write_ged(tmp_path, rows))

    assert result.created == 4
    notes = Report.objects.filter(source__slug="ucdp-source-note").order_by("title")
    assert [(r.title, r.published_on) for r in notes] == [("r 9/4 (2004)", None), ("r 9/4 (2005)", None)]
    assert notes[0].incident_links.count() == 2
    assert list(incident_of(121451).report_links.values_list("report__kind", flat=True)) == [ReportKind.DATASET_RECORD]
    assert incident_of(121451).figures.get(**choices.CIVILIANS).stated_on is None
    warnings = {w.event_id: str(w) for w in result.warnings if w.kind == "sources_not_recorded"}
    assert warnings[121463] == (
        "event 121463: number of sources not recorded (-1); kept its source note “r 9/4” as one undated report."
    )
    assert warnings[121451] == "event 121451: number of sources not recorded (-1); only the UCDP record is linked."


@pytest.mark.django_db
def test_unequal_source_lists_are_read_from_source_article(tmp_path):
    # 227252: one outlet, one date, a headline with ";" in it.
    broken = ged_row(225183, id=990003, source_article="no items here;nor here")
    result = run(write_ged(tmp_path, [ged_row(227252), broken]))

    report = incident_of(227252).report_links.get(report__source__name="Human Rights Watch").report
    assert report.title == (
        "Iraq: Fallujah Abuses Test Control of Militias Investigate Government Command Responsibility; "
        "ISIS Stops Civilians From Fleeing"
    )
    assert (report.published_on, report.source.kind, report.kind) == (datetime.date(2016, 6, 9), "ngo", "monitor_report")
    fallback = incident_of(990003).report_links.exclude(report__source__slug="ucdp").get().report
    assert (fallback.title, fallback.published_on) == ("no items here;nor here (2016)", None)
    assert fallback.source.slug == "ucdp-source-note"  # five outlets, not one: no outlet can be named
    warnings = {w.event_id: str(w) for w in result.warnings if w.kind == "source_lists_unequal"}
    assert warnings[227252] == (
        "event 227252: source lists of unequal length (1 outlet, 1 date, 2 headlines; a “;” inside a headline); "
        "read 1 article from source_article instead."
    )
    assert "kept source_article “no items here;nor here” as one undated report" in warnings[990003]


@pytest.mark.django_db
def test_cells_with_line_breaks_stay_in_their_row(tmp_path):
    # 275334: headline "…General Staff\nCR \tРИАН"; 225183: source_original ending in a line break.
    path = write_ged(tmp_path, [ged_row(275334), ged_row(225183), ged_row(MOSUL)])
    with path.open(newline="", encoding="utf-8") as file:
        assert [event.id for event in read_ged_csv(file)] == [275334, 225183, 238475]

    run(path, only_civilian=False)

    headline = incident_of(275334).report_links.get(report__source__name="Sputnik News Service").report.title
    assert headline == "Turkish Airstrike Kills 14 Kurdish Militants in Northern Iraq - General Staff CR РИАН"
    assert incident_of(275334).event_type == choices.EventType.AIRSTRIKE
    assert incident_of(225183).figures.get(**choices.CIVILIANS).attributed_to == "Hospital sources and an interior ministry official."


@pytest.mark.django_db
def test_second_run_creates_nothing(tmp_path):
    path = write_ged(tmp_path, [ged_row(event_id) for event_id in (MOSUL, 121463, 227252, 225183, 122091, 147276)])
    first = run(path)
    before = row_counts()

    second = run(path)

    assert row_counts() == before
    assert (second.created, second.merged, second.unchanged) == (0, 0, first.created)
    assert second.figures_created == second.reports_created == second.links_created == 0


@pytest.mark.django_db
def test_article_reports_are_shared_between_events_and_reuse_existing_ones(tmp_path):
    outlet = factories.SourceFactory(name="Reuters News", slug="reuters")
    existing = factories.ReportFactory(source=outlet, title="Shelling, clashes in Iraq's Fallujah kill 8",
                                       published_on=datetime.date(2016, 2, 1))
    common = {"source_office": "Reuters News", "source_date": "2016-02-01", "number_of_sources": 1,
              "source_headline": "Shelling, clashes in Iraq's Fallujah kill 8",
              "source_article": "\"Reuters News,2016-02-01,Shelling, clashes in Iraq's Fallujah kill 8\""}
    run(write_ged(tmp_path, [ged_row(MOSUL, id=990010, **common), ged_row(MOSUL, id=990011, **common)]))

    assert Report.objects.filter(source=outlet).get() == existing
    assert existing.incident_links.count() == 2
    assert Source.objects.filter(name="Reuters News").count() == 1
    assert incident_of(990010).event_type == choices.EventType.SHELLING


@pytest.mark.django_db
def test_command_all_includes_events_without_civilian_deaths_and_publishes(tmp_path):
    # 121299: three governments on side A; 145155: no civilian deaths.
    path = write_ged(tmp_path, [ged_row(121299), ged_row(145155)])

    call_command("import_ucdp", str(path), stdout=io.StringIO())
    assert list(ExternalIdentifier.objects.values_list("identifier", flat=True)) == ["121299"]

    out = io.StringIO()
    call_command("import_ucdp", str(path), all=True, publish=True, stdout=out)

    assert "1 incidents created" in out.getvalue() and "1 skipped: already imported (UCDP 121299)" in out.getvalue()
    battle = incident_of(145155)
    assert (battle.status, battle.reported_killed_min, battle.reported_killed_max) == ("published", None, None)
    assert battle.published_at is not None
    assert not battle.figures.filter(**choices.CIVILIANS).exists()
    assert incident_of(121299).status == "draft"  # existing incidents keep their status
    assert sorted(incident_of(121299).belligerents.values_list("name", flat=True)) == [
        "Government of Australia", "Government of Iraq", "Government of United Kingdom", "Government of United States of America",
    ]
    assert Actor.objects.get(name="Government of Iraq").kind == choices.ActorKind.STATE_FORCES


@pytest.mark.django_db
def test_binary_upload_and_bad_files(tmp_path):
    # An unreadable row used to be left out with a note while the rest was imported; now nothing is written and the
    # error names the row, the column and the value (issue 14: imports are all or nothing and say where).
    path = write_ged(tmp_path, [ged_row(MOSUL), {"id": "not-a-number"}])
    with path.open("rb") as file, pytest.raises(GedFormatError) as refused:
        import_ged_file(file)
    assert "Row 4, column `id`: “not-a-number” is not a whole number." in refused.value.errors
    assert Incident.objects.count() == 0
    assert import_ged_file(io.BytesIO(write_ged(tmp_path, [ged_row(MOSUL)]).read_bytes())).created == 1

    not_ged = tmp_path / "other.csv"
    not_ged.write_text("name,value\r\na,1\r\n", encoding="utf-8")
    with not_ged.open(newline="") as file, pytest.raises(GedFormatError):
        import_ged_file(file)
    with pytest.raises(CommandError, match="header lacks"):
        call_command("import_ucdp", str(not_ged), stdout=io.StringIO())
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_ucdp", str(tmp_path / "missing.csv"), stdout=io.StringIO())


@pytest.mark.django_db
def test_aggregated_events_become_aggregate_claims_never_incidents(tmp_path, client):
    # 144930: the Government of Iraq's violence against civilians in Karbalā’, summed over 1991 (event_clarity 2);
    # 145592: the same over December 1992, for the whole country.
    path = write_ged(tmp_path, [ged_row(144930), ged_row(145592), ged_row(MOSUL)])
    result = run(path, publish=True)

    assert (result.created, result.aggregated, result.aggregate_claims_created) == (1, 2, 4)
    assert list(ExternalIdentifier.objects.values_list("identifier", flat=True)) == [MOSUL]
    year = AggregateClaim.objects.get(report__url="https://ucdp.uu.se/event/144930", person_status="civilian")
    assert (year.period_start, year.period_end, year.period_precision) == (datetime.date(1991, 1, 1), datetime.date(1991, 12, 31), "year")
    assert (year.area, year.countries, year.actor.name, year.status) == ("Karbalā’ town, Karbalā’, Iraq", "IQ", "Government of Iraq", "published")
    assert (year.count_min, year.count_max, year.count_best, year.measure) == (35, 35, 35, "casualties")
    assert list(year.conflicts.values_list("name", flat=True)) == ["Government of Iraq - Civilians"]
    country = AggregateClaim.objects.get(report__url="https://ucdp.uu.se/event/145592", person_status="any")
    assert (country.area, country.period_precision, country.count_min, country.count_max) == ("Iraq", "month", 7, 7)

    # Only the one incident can count in incident totals; the aggregates show on the belligerent's page, apart.
    assert list(Incident.objects.published().values_list("reported_killed_min", flat=True)) == [105]
    page = client.get(reverse("belligerent_detail", args=[year.actor.slug])).content.decode()
    assert "Karbalā’ town, Karbalā’, Iraq" in page and "date precision: year" in page

    before = row_counts()
    again = run(path, publish=True)
    assert row_counts() == before and again.aggregate_claims_created == 0


@pytest.mark.django_db
def test_aggregated_event_already_an_incident_is_reported_for_a_reviewer(tmp_path):
    earlier = factories.IncidentFactory(status="published")
    factories.ExternalIdentifierFactory(incident=earlier, identifier="144930")

    result = run(write_ged(tmp_path, [ged_row(144930)]))

    assert AggregateClaim.objects.filter(report__url="https://ucdp.uu.se/event/144930").count() == 2
    assert not earlier.figures.exists()
    warning = next(w for w in result.warnings if w.kind == "aggregated_event_is_an_incident")
    assert earlier.code in str(warning) and "retract" in str(warning)


@pytest.mark.django_db
def test_admin_suffixes_are_stripped_for_every_country(tmp_path, client):
    rows = [
        ged_row(MOSUL, id=990101, adm_1="Aleppo governorate", adm_2="Jabal Sem‘ān district", country="Syria", iso3="SYR"),
        ged_row(MOSUL, id=990102, adm_1="Donets'ka oblast", country="Ukraine", iso3="UKR"),
        ged_row(MOSUL, id=990103, adm_1="Borno state", country="Nigeria", iso3="NGA"),
        ged_row(MOSUL, id=990104, adm_1="Al Başrah province"),
        ged_row(MOSUL, id=990105, adm_1="Hadramawt Governorate", country="Yemen (North Yemen)", iso3="YEM"),
        ged_row(MOSUL, id=990106, adm_1="Northern Region", country="Ghana", iso3="GHA"),
    ]
    run(write_ged(tmp_path, rows), publish=True)

    places = {i.external_ids.get().identifier: (i.country, i.admin1, i.admin2) for i in Incident.objects.all()}
    assert places == {
        "990101": ("SY", "Aleppo", "Jabal Sem‘ān"), "990102": ("UA", "Donets'ka", "Qaḑā’ al Mawşil"), "990103": ("NG", "Borno", "Qaḑā’ al Mawşil"),
        "990104": ("IQ", "Al Başrah", "Qaḑā’ al Mawşil"), "990105": ("YE", "Hadramawt", "Qaḑā’ al Mawşil"),
        "990106": ("GH", "Northern", "Qaḑā’ al Mawşil"),
    }
    listed = client.get(reverse("incident_list"), {"admin1": "Aleppo"}).context["page"].rows
    assert [incident.country for incident in listed] == ["SY"]


@pytest.mark.django_db
def test_fuzzy_feature_without_a_province_is_country_level_and_raw_codes_are_kept(tmp_path):
    # 125887: "Central Iraq", where_prec 5, no adm_1.
    run(write_ged(tmp_path, [ged_row(125887), ged_row(125887, id=990201, adm_1="Diyālá province"), ged_row(MOSUL, id=990202, where_prec=2),
                             ged_row(MOSUL, id=990203, where_prec=3)]))

    assert incident_of(125887).geo_precision == choices.GeoPrecision.COUNTRY
    assert incident_of(990201).geo_precision == choices.GeoPrecision.PROVINCE
    # 2 (within ~25 km) and 3 (the district's centroid) are both "district" here; UCDP's own code stays on the id.
    assert incident_of(990202).geo_precision == incident_of(990203).geo_precision == choices.GeoPrecision.DISTRICT
    codes = dict(ExternalIdentifier.objects.values_list("identifier", "source_codes"))
    assert codes["990202"] == "where_prec 2; date_prec 1; event_clarity 1"
    assert codes["990203"] == "where_prec 3; date_prec 1; event_clarity 1"
    assert codes["125887"].startswith("where_prec 5; date_prec ")


@pytest.mark.django_db
def test_best_estimate_and_caveat_reach_the_page_the_claims_csv_and_the_api(tmp_path, client):
    # 145155: low 22, best 22, high 21 (swapped); 142373: low 4, best 3, high 4 (best outside the range).
    run(write_ged(tmp_path, [ged_row(145155), ged_row(142373), ged_row(MOSUL)]), only_civilian=False, publish=True)
    swapped, outside = incident_of(145155), incident_of(142373)
    assert outside.figures.get(person_status="any").count_best is None
    assert "best estimate 3 lies outside" in outside.figures.get(person_status="any").caveat

    from tests.test_exports import body, csv_rows
    rows = {(row["incident_code"], row["person_status"]): row for row in csv_rows(body(client.get(reverse("export_claims"))))}
    row = rows[(swapped.code, "any")]
    assert (row["count_min"], row["count_max"], row["count_best"]) == ("21", "22", "22")
    assert row["caveat"] == "UCDP gives low 22 above high 21; the bounds were swapped on import."
    assert rows[(incident_of(MOSUL).code, "civilian")]["count_best"] == "105"

    api = client.get(f"/api/v1/incidents/{swapped.code}/").json()
    claim = next(figure for figure in api["figures"] if figure["person_status"] == "any")
    assert (claim["count_best"], claim["caveat"]) == (22, "UCDP gives low 22 above high 21; the bounds were swapped on import.")
    assert api["external_ids"][0]["source_codes"].startswith("where_prec ")

    page = client.get(swapped.get_absolute_url()).content.decode()
    assert "all deaths (any status, not only civilians), low–high" in page and "the bounds were swapped on import" in page
    assert "undetermined" not in page.lower() and "0 of unknown status" not in page


@pytest.mark.django_db
def test_an_editors_upload_adds_nothing_to_a_published_incident_but_a_reviewers_does(tmp_path, editor, reviewer):
    from incidents.imports import import_file

    reference = factories.IncidentFactory(status="published", grade=choices.Grade.FAIR)
    factories.ExternalIdentifierFactory(incident=reference, identifier=MOSUL)
    factories.FigureFactory(incident=reference, count_min=137, count_max=137)
    content = write_ged(tmp_path, [ged_row(MOSUL)]).read_bytes()

    held = import_file(content, "ged.csv", user=editor, dry_run=False)

    assert held.ok and held.committed
    assert any("a reviewer imports" in warning for warning in held.warnings)
    reference.refresh_from_db()
    assert reference.figures.count() == 1 and (reference.reported_killed_min, reference.reported_killed_max) == (137, 137)

    applied = import_file(content, "ged.csv", user=reviewer, dry_run=False)

    assert applied.committed and not any("a reviewer imports" in warning for warning in applied.warnings)
    reference.refresh_from_db()
    assert reference.figures.count() == 4 and reference.reported_killed_min == 105
