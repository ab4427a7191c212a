"""The conformance statement on /methodology/: each standard's requirement, the tracker's practice, and links that lead
to a page (200) and to an anchor that exists on it, in English and Arabic."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from incidents.conformance import REQUIREMENTS, conformance

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "ar"]


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_statement_covers_each_requirement_of_the_standards():
    assert [item.key for item in REQUIREMENTS] == [
        "sources", "corroboration", "ranges", "status", "transparency", "protection", "corrections"]
    assert all(item.where for item in REQUIREMENTS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_link_leads_to_a_page_and_its_anchor(client, language):
    pages = {}
    with translation.override(language):
        links = [where["url"] for item in conformance() for where in item["where"]]
    assert len(links) >= len(REQUIREMENTS)
    for link in links:
        path, _, anchor = link.partition("#")
        if language == "ar" and path not in ("/api/v1/docs/",) and not path.startswith("/feeds/"):
            assert path.startswith("/ar/"), link
        if path not in pages:
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, link
            pages[path] = response.content.decode()
        if anchor:
            assert f'id="{anchor}"' in pages[path], f"{link}: no element with that id"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_methodology_page_shows_every_requirement_with_its_links(client, language):
    url = "/methodology/" if language == "en" else "/ar/methodology/"
    page = text(client.get(url))
    section = page[page.index('id="standards"'):page.index('id="fields"')]
    with translation.override(language):
        items = conformance()
        for item in items:
            row = section[section.index(f'<tr id="standard-{item["key"]}">'):]
            row = row[:row.index("</tr>")]
            assert str(item["requirement"]) in row and str(item["practice"]) in row
            for where in item["where"]:
                assert f'<a href="{where["url"]}">{where["label"]}</a>' in row
    assert 'href="#standards"' in page


def words_of(language: str) -> list[dict]:
    """The statement's words, rendered in `language` (the texts are lazy: translated when read)."""
    with translation.override(language):
        return [{"requirement": str(item["requirement"]), "practice": str(item["practice"]),
                 "labels": [str(where["label"]) for where in item["where"]]} for item in conformance()]


def test_the_arabic_statement_is_translated(client):
    page = text(client.get("/ar/methodology/"))
    assert "كيف يفي هذا المرصد بمعايير تسجيل الضحايا" in page
    assert "How this tracker meets the casualty-recording standards" not in page
    arabic, english = words_of("ar"), words_of("en")
    for ar_item, en_item in zip(arabic, english, strict=True):
        for key in ("requirement", "practice"):
            assert ar_item[key] != en_item[key] and ar_item[key] in page
            assert re.search("[\u0600-\u06ff]", ar_item[key])
        for ar_label, en_label in zip(ar_item["labels"], en_item["labels"], strict=True):
            assert ar_label != en_label and re.search("[\u0600-\u06ff]", ar_label)


def test_protection_and_corrections_are_explained_where_the_statement_points(client):
    page = text(client.get(reverse("methodology")))
    protection = page[page.index('id="protection"'):page.index('id="corrections"')]
    for words in ("confidential source", "victim marked private", "location is protected", "redaction"):
        assert words in protection
    corrections = page[page.index('id="corrections"'):page.index('id="rule-versions"')]
    assert "retracted" in corrections and "public reason" in corrections


def test_methodology_page_queries_stay_bounded(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert client.get(reverse("methodology")).status_code == 200
