"""Quotes are checked against the report's stored text; URL identity."""

import pytest
from django.core.exceptions import ValidationError

from incidents.demo import ARTICLE_PATH
from incidents.models import CasualtyFigure, OfficialStatement
from sources.text import normalise_url, quote_in_text
from tests import factories

ARTICLE = ARTICLE_PATH.read_text(encoding="utf-8")


@pytest.mark.parametrize("quote", [
    "residents claim a strike killed 137 civilians",
    '"at the location corresponding to allegations of civilian casualties,"',   # straight quotes for curly ones
    "at the location  corresponding\nto allegations",                            # whitespace differs
    "they had pulled 83 bodies … by sundown Saturday",                           # an ellipsis skips words
    "they had pulled 83 bodies ... by sundown Saturday",
    "ISIS’s inhuman tactics", "ISIS's inhuman tactics",
])
def test_quote_found(quote):
    assert quote_in_text(quote, ARTICLE)


@pytest.mark.parametrize("quote", [
    "residents claim a strike killed 173 civilians",
    "by sundown Saturday … they had pulled 83 bodies",   # parts out of order
    "200 civilians were killed",
])
def test_quote_not_found(quote):
    assert not quote_in_text(quote, ARTICLE)


def test_figure_with_quote_not_in_report_text_is_refused(db):
    report = factories.ReportFactory(text=ARTICLE)
    figure = CasualtyFigure(incident=factories.IncidentFactory(), report=report, count_min=200, count_max=200,
                            quote="residents say 200 people were killed")
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert "not found in the stored text" in str(error.value.message_dict["quote"])


def test_statement_with_quote_not_in_report_text_is_refused(db):
    report = factories.ReportFactory(text=ARTICLE)
    statement = OfficialStatement(incident=factories.IncidentFactory(), issuer=factories.ActorFactory(), report=report,
                                  stated_on="2017-03-25", stance="denies", quote="no strike took place")
    with pytest.raises(ValidationError) as error:
        statement.full_clean()
    assert "quote" in error.value.message_dict


def test_quote_not_checked_when_no_text_stored(db):
    figure = CasualtyFigure(incident=factories.IncidentFactory(), report=factories.ReportFactory(text=""),
                            count_min=5, count_max=5, quote="anything at all")
    figure.full_clean()


@pytest.mark.parametrize("spelling", [
    "https://www.example.org/2017/03/25/mosul-strike/",
    "http://example.org/2017/03/25/mosul-strike",
    "HTTPS://Example.ORG/2017/03/25/mosul-strike?utm_source=twitter&utm_medium=social",
    "https://example.org:443/2017/03/25/mosul-strike#comments",
    "https://example.org/2017/03/25/mosul-strike?fbclid=abc123",
])
def test_url_spellings_are_one_report(spelling):
    assert normalise_url(spelling) == "https://example.org/2017/03/25/mosul-strike"


def test_url_normalisation_keeps_meaningful_query():
    assert normalise_url("https://example.org/story?id=2&utm_campaign=x&page=1") == "https://example.org/story?id=2&page=1"
    assert normalise_url("https://example.org/story?id=2") != normalise_url("https://example.org/story?id=3")


def test_two_spellings_make_one_report_in_form_validation(db):
    factories.ReportFactory(url="https://www.example.org/a/?utm_source=x")
    duplicate = factories.ReportFactory.build(url="http://example.org/a", source=factories.SourceFactory())
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already exists" in str(error.value)
