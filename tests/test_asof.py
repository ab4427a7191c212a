"""“As of” views: /incidents/<code>/?as_of=YYYY-MM-DD shows the published record as it stood at the end of that day."""

import datetime

import pytest
from django.utils import timezone

from incidents import choices, workflow
from incidents.models import BelligerentRoleLink, CasualtyFigure, Incident, IncidentReport, OfficialStatement
from tests import factories

PUBLISHED_ON = datetime.date(2017, 3, 26)


def backdate(day: datetime.date, *models):
    """Move every history row written so far to noon of `day` (tests cannot wait for days to pass)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    for model in models:
        model.history.all().update(history_date=moment)


@pytest.fixture
def cited(reviewer):
    """Published on 26 March 2017 with one claim (83 killed) and a grade; corrected today (137, contested, a statement)."""
    report = factories.ReportFactory(published_on=datetime.date(2017, 3, 25))
    incident = factories.IncidentFactory(status="in_review", grade="fair", title="Airstrike on Mosul al-Jadida")
    factories.FigureFactory(incident=incident, report=report, count_min=83, count_max=83, quote="pulled 83 bodies")
    workflow.transition_incident(incident=incident, name="publish", user=reviewer)
    backdate(PUBLISHED_ON, Incident, CasualtyFigure, IncidentReport, OfficialStatement, BelligerentRoleLink)

    factories.FigureFactory(incident=incident, report=report, count_min=137, count_max=137, quote="killed 137 civilians")
    factories.StatementFactory(incident=incident, report=report, stance=choices.Stance.CREDIBLE, stated_on=datetime.date(2017, 6, 1))
    incident.refresh_from_db()
    incident.grade = choices.Grade.CONTESTED
    incident.save()
    return Incident.objects.get(pk=incident.pk)


def test_current_page_shows_the_latest_figures(client, cited):
    page = client.get(cited.get_absolute_url())

    assert [(r["low"], r["high"]) for r in page.context["ranges"] if r["label"] == "Civilians reported killed"] == [(83, 137)]
    assert "As of" not in page.content.decode()


def test_as_of_returns_the_older_figure_grade_and_statements(client, cited):
    page = client.get(cited.get_absolute_url(), {"as_of": "2017-03-27"})

    assert page.status_code == 200
    content = page.content.decode()
    assert "As recorded on 27 March 2017" in content
    assert [(r["low"], r["high"]) for r in page.context["ranges"] if r["label"] == "Civilians reported killed"] == [(83, 83)]
    assert [figure.quote for figure in page.context["reported"]] == ["pulled 83 bodies"]
    assert page.context["incident"].grade == choices.Grade.FAIR
    assert page.context["statement_groups"] == []
    assert "killed 137 civilians" not in content
    assert f"{cited.get_absolute_url()}?as_of=2017-03-27" in content  # cite this version


def test_as_of_today_is_the_current_record(client, cited):
    page = client.get(cited.get_absolute_url(), {"as_of": timezone.localdate().isoformat()})

    assert [(r["low"], r["high"]) for r in page.context["ranges"] if r["label"] == "Civilians reported killed"] == [(83, 137)]
    assert page.context["incident"].grade == choices.Grade.CONTESTED
    assert len(page.context["statement_groups"]) == 1


def test_as_of_before_publication_says_so(client, cited):
    page = client.get(cited.get_absolute_url(), {"as_of": "2017-03-20"})

    assert page.status_code == 200
    content = page.content.decode()
    assert "This record was first published on 26 March 2017: there is no public version of it as of 20 March 2017." in content
    # The current record is shown below the message.
    assert [(r["low"], r["high"]) for r in page.context["ranges"] if r["label"] == "Civilians reported killed"] == [(83, 137)]


def test_as_of_a_day_the_record_was_retracted_says_so(client, cited, reviewer):
    workflow.transition_incident(incident=cited, name="retract", user=reviewer, reason="Checking a duplicate.")
    backdate(datetime.date(2017, 4, 1), Incident)
    workflow.transition_incident(incident=cited, name="restore", user=reviewer)

    page = client.get(cited.get_absolute_url(), {"as_of": "2017-04-02"})

    assert "This record was not published at the end of 2 April 2017" in page.content.decode()


def test_as_of_with_a_malformed_date_says_how_to_write_it(client, cited):
    page = client.get(cited.get_absolute_url(), {"as_of": "March 2017"})

    assert page.status_code == 200
    assert "is not a date: give it as YYYY-MM-DD" in page.content.decode()


def test_as_of_leaves_out_claims_excluded_by_then(client, cited):
    figure = cited.figures.get(count_max=83)
    figure.excluded, figure.excluded_reason = True, "Double-counted"
    figure.save()

    page = client.get(cited.get_absolute_url(), {"as_of": timezone.localdate().isoformat()})
    earlier = client.get(cited.get_absolute_url(), {"as_of": "2017-03-27"})

    assert [f.count_max for f in page.context["reported"]] == [137]
    # An exclusion reaches into the past (`incidents.redaction`): the claim is gone from every earlier view too.
    assert [f.count_max for f in earlier.context["reported"]] == []


def test_as_of_a_draft_is_not_found(client, db):
    draft = factories.IncidentFactory()

    assert client.get(f"/incidents/{draft.code}/", {"as_of": "2017-03-27"}).status_code == 404
