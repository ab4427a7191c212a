"""The reference article is entered faithfully, once."""

import pytest
from django.core.management import call_command

from incidents import choices
from incidents.demo import ARTICLE_TITLE, load_reference_article
from incidents.models import AggregateClaim, CasualtyFigure, Incident, OfficialStatement
from sources.models import Report


@pytest.fixture
def article(db):
    return load_reference_article()


def test_one_report_three_incidents(article):
    assert Report.objects.filter(title=ARTICLE_TITLE).count() == 1
    assert article.text.startswith("The U.S. military acknowledged")
    titles = set(Incident.objects.values_list("title", flat=True))
    assert len(titles) == 3
    assert {i.country for i in Incident.objects.all()} == {"IQ", "SY", "YE"}


def test_each_figure_is_its_own_claim_with_its_words(article):
    mosul = Incident.objects.get(neighbourhood="Mosul al-Jadida")
    claims = {f.quote: (f.attributed_to, f.qualifier, f.count_min, f.count_max) for f in mosul.figures.filter(**choices.CIVILIANS)}
    assert claims["residents say more than 100 people were killed in a single event"] == ("residents", "more_than", 101, None)
    assert claims["residents claim a strike killed 137 civilians"] == ("residents", "exact", 137, 137)
    bodies = [v for q, v in claims.items() if "83 bodies" in q]
    assert bodies == [("Iraqi officials working on the rescue", "at_least", 83, None)]


def test_statements_acknowledgement_and_investigation(article):
    mosul = Incident.objects.get(neighbourhood="Mosul al-Jadida")
    stances = dict(mosul.statements.values_list("stance", "quote"))
    assert "at the location corresponding to allegations" in stances[choices.Stance.ACKNOWLEDGES_STRIKE]
    assert choices.Stance.INVESTIGATING in stances
    assert mosul.external_ids.get().identifier == "238475"


def test_aggregate_claim_apart(article):
    claim = AggregateClaim.objects.get()
    assert (claim.count_min, claim.area, claim.attributed_to) == (1000, "Iraq and Syria", "Airwars")
    assert "this month alone" in claim.quote


def test_load_demo_twice_creates_nothing_twice(db, settings):
    settings.DEMO_ACCOUNTS = True
    call_command("load_demo", skip_ucdp=True)
    counts = [m.objects.count() for m in (Incident, CasualtyFigure, OfficialStatement, AggregateClaim, Report)]
    call_command("load_demo", skip_ucdp=True)
    assert [m.objects.count() for m in (Incident, CasualtyFigure, OfficialStatement, AggregateClaim, Report)] == counts
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(username__in=["editor", "reviewer"]).count() == 2


def test_no_demo_accounts_without_debug(db, settings):
    settings.DEMO_ACCOUNTS = False
    call_command("load_demo", skip_ucdp=True)
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.exists()
