"""The incident page: everything about one incident, its own timeline, its change log, and nothing private."""

import datetime
import html

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from incidents import choices, services
from incidents.demo import ARTICLE_PATH, load_reference_article
from incidents.models import Actor, CasualtyFigure, Incident, IncidentAlias, OfficialStatement
from incidents.timeline import tracker_events
from sources.models import Report, Source
from sources.text import quote_context
from tests import factories

ARTICLE = ARTICLE_PATH.read_text(encoding="utf-8")


def page(client, incident_or_code):
    code = getattr(incident_or_code, "code", incident_or_code)
    return client.get(f"/incidents/{code}/")


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def backdate_history(incident, day: datetime.date):
    """Pretend the record's history so far was written on `day` (the demo is loaded today)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    incident.history.update(history_date=moment)
    for model in (CasualtyFigure, OfficialStatement):
        model.history.filter(incident_id=incident.pk).update(history_date=moment)


@pytest.fixture
def mosul(db):
    load_reference_article()
    return Incident.objects.get(title__startswith="Airstrike on Mosul al-Jadida")


@pytest.fixture
def mosque(db):
    load_reference_article()
    return Incident.objects.get(title="Strike on a mosque in Syria")


def concede_later(mosul) -> OfficialStatement:
    """The coalition's later assessment: credible, with a conceded range (a later report, not the article)."""
    centcom = Source.objects.create(name="US Central Command", slug="us-central-command", kind="military")
    report = Report.objects.create(source=centcom, title="Investigation into the 17 March strike in Mosul",
                                   url="https://www.centcom.mil/mosul-17-march", published_on=datetime.date(2017, 5, 25))
    coalition = Actor.objects.get(slug="cjtf-oir")
    statement = services.save_statement(statement=OfficialStatement(
        incident=mosul, issuer=coalition, stated_on=datetime.date(2017, 5, 25), stance=choices.Stance.CREDIBLE, report=report,
        quote="", summary="The investigation found the strike caused the civilian deaths.",
    ))
    services.save_claim(claim=CasualtyFigure(
        incident=mosul, report=report, statement=statement, basis=choices.Basis.CONCEDED, attributed_to="the coalition",
        count_min=105, count_max=141, qualifier=choices.Qualifier.BETWEEN, stated_on=datetime.date(2017, 5, 25),
    ))
    return statement


# The reference incident


def test_reference_incident_shows_its_claims_with_quotes_and_range(client, mosul):
    response = page(client, mosul)
    assert response.status_code == 200
    body = text_of(response)
    for quote in ("more than 100 people were killed", "killed 137 civilians", "83 bodies"):
        assert quote in body
    assert "83–137" in body
    assert "more than 100" in body and "at least 83" in body
    assert "Iraqi officials working on the rescue" in body
    assert "/methodology/#figure-rules" in body
    assert [claim.quote for claim in response.context["reported"]] == [
        "residents say more than 100 people were killed in a single event",
        "residents claim a strike killed 137 civilians",
        "Iraqi officials working on the rescue said they had pulled 83 bodies … by sundown Saturday",
        "83 bodies — including many women and children",
        "83 bodies — including many women and children",
    ]
    assert response.context["conceded"] == []


def test_reference_incident_shows_headline_facts(client, mosul):
    body = text_of(page(client, mosul))
    assert "17 March 2017" in body
    assert "Mosul al-Jadida, Mosul, Nīnawá, Iraq" in body
    assert '<span lang="ar" dir="rtl" class="nowrap">الموصل الجديدة</span>' in body
    assert "to city level" in body
    assert "36.335, 43.118889" in body
    assert "Airstrike" in body
    assert 'href="/conflicts/coalition-vs-isis-iraq/"' in body
    assert 'href="/belligerents/cjtf-oir/"' in body and "acknowledged" in body
    assert 'class="grade grade-fair"' in body and str(choices.GRADE_DEFINITIONS[choices.Grade.FAIR]) in body
    assert "Acknowledges strike" in body or "acknowledges strike" in body


def test_reference_incident_shows_statement_and_investigation(client, mosul):
    response = page(client, mosul)
    body = text_of(response)
    assert "at the location corresponding to allegations of civilian casualties" in body
    assert "The U.S. military is conducting an initial investigation into the incident." in body
    # Same day: in the order the article gives them, the acknowledgement, then the investigation.
    stances = [(group["issuer"].slug, group["current"].stance) for group in response.context["statement_groups"]]
    assert stances == [("cjtf-oir", choices.Stance.ACKNOWLEDGES_STRIKE), ("us-forces", choices.Stance.INVESTIGATING)]


def test_reference_timeline_in_order(client, mosul):
    timeline = page(client, mosul).context["timeline"]
    assert (timeline[0].kind, timeline[0].when) == ("event", "17 March 2017")
    article_day = [entry for entry in timeline if entry.day == datetime.date(2017, 3, 25)]
    assert [entry.kind for entry in article_day] == ["report", "claim", "statement", "statement"]
    assert "acknowledges strike" in article_day[2].text and "investigating" in article_day[3].text
    assert "more than 100 civilians killed" in article_day[1].items[0]
    assert timeline[-1].kind == "tracker" and "published" in timeline[-1].text
    assert [entry.day for entry in timeline] == sorted(entry.day for entry in timeline)


def test_timeline_shown_in_page_order(client, mosul):
    body = text_of(page(client, mosul))
    timeline = body[body.index('id="timeline-heading"'):body.index('id="sources-heading"')]
    positions = [timeline.index(words) for words in (
        "17 March 2017", "The Washington Post publishes", "residents: more than 100 civilians killed",
        "CJTF-OIR (US-led coalition): acknowledges strike", "US forces: investigating", "record published, graded fair")]
    assert positions == sorted(positions)


def test_later_conceded_figure_on_page_and_last_in_timeline(client, mosul):
    backdate_history(mosul, datetime.date(2017, 4, 1))
    concede_later(mosul)
    response = page(client, mosul)
    body = text_of(response)
    assert "105–141" in body
    assert [range_["label"] for range_ in response.context["ranges"]][:2] == ["Civilians reported killed", "Civilian deaths conceded"]
    assert "83–137" in body  # the reported range is unchanged by a concession
    assert [claim.count_min for claim in response.context["conceded"]] == [105]
    timeline = response.context["timeline"]
    assert [entry.kind for entry in timeline[-3:]] == ["report", "statement", "concession"]
    assert timeline[-1].when == "25 May 2017" and timeline[-1].items == ["the coalition: 105–141 civilians killed"]
    assert timeline[-2].text == "CJTF-OIR (US-led coalition): assessed credible"
    # The coalition's current position is the later one; the acknowledgement is kept below it, superseded.
    coalition = next(g for g in response.context["statement_groups"] if g["issuer"].slug == "cjtf-oir")
    assert coalition["current"].stance == choices.Stance.CREDIBLE
    assert [s.stance for s in coalition["superseded"]] == [choices.Stance.ACKNOWLEDGES_STRIKE]
    assert response.context["statement_groups"][0] is coalition
    statements = body[body.index('id="statements-heading"'):body.index('id="timeline-heading"')]
    assert statements.index("Assessed credible") < statements.index("Superseded") < statements.index("Acknowledges strike")
    # The change log tells the day it changed, with the derived figures in words.
    today = response.context["changes"][0]
    assert today.day == timezone.localdate()
    assert "Official statement added: CJTF-OIR (US-led coalition), 25 May 2017: assessed credible" in today.changes
    assert "Conceded killed: no number → 105–141" in today.changes


# Addresses


def test_old_code_redirects_permanently(client, mosul):
    IncidentAlias.objects.create(code="CT-OLD-17", incident=mosul)
    response = page(client, "CT-OLD-17")
    assert response.status_code == 301
    assert response["Location"] == f"/incidents/{mosul.code}/"


def test_lower_case_code_redirects(client, mosul):
    response = page(client, mosul.code.lower())
    assert response.status_code == 301 and response["Location"] == f"/incidents/{mosul.code}/"


@pytest.mark.parametrize("status", [choices.Status.DRAFT, choices.Status.IN_REVIEW])
def test_unpublished_incident_is_not_found(client, db, status):
    incident = factories.IncidentFactory(status=status, title="Not yet public strike")
    response = page(client, incident)
    assert response.status_code == 404
    assert "Not yet public strike" not in text_of(response)


def test_unknown_code_is_not_found(client, db):
    assert page(client, "CT-999999").status_code == 404
    assert page(client, "no such thing").status_code == 404


def test_alias_of_a_draft_is_not_found(client, db):
    draft = factories.IncidentFactory(status=choices.Status.DRAFT)
    IncidentAlias.objects.create(code="CT-OLD-DRAFT", incident=draft)
    assert page(client, "CT-OLD-DRAFT").status_code == 404


def test_query_string_never_breaks_the_page(client, mosul):
    for query in ("?as_of=not-a-date", "?page=999999999999", "?x=%00&y[]=1", "?grade=zzz&min=5&max=1"):
        assert client.get(f"/incidents/{mosul.code}/{query}").status_code == 200


def test_retracted_incident_shows_notice_instead_of_figures(client, mosul):
    Incident.objects.filter(pk=mosul.pk).update(
        status=choices.Status.RETRACTED, retraction_reason="Duplicate of a record kept under another code.")
    response = page(client, mosul)
    assert response.status_code == 200
    body = text_of(response)
    assert "This record has been retracted" in body
    assert "Duplicate of a record kept under another code." in body
    assert mosul.title in body and mosul.code in body
    for hidden in ("83–137", "killed 137 civilians", "at the location corresponding", "Iraqi officials", "Change log"):
        assert hidden not in body
    assert '<meta name="robots" content="noindex">' in body


# What the public never sees


def test_hidden_data_never_on_the_page(client, mosul):
    secret = Source.objects.create(name="Abu Karim Neighbourhood Network", slug="abu-karim-network", is_confidential=True,
                                   public_label="local source", kind="community")
    secret_report = Report.objects.create(source=secret, title="Message from Abu Karim", url="https://chat.example.org/abu-karim",
                                          archive_url="https://archive.example.org/abu-karim", published_on=datetime.date(2017, 3, 19),
                                          text="Abu Karim says 140 people died under the rubble.")
    services.save_claim(claim=CasualtyFigure(
        incident=mosul, report=secret_report, attributed_to="a neighbour", count_min=140, count_max=140,
        stated_on=datetime.date(2017, 3, 19), quote="140 people died under the rubble", notes="EDITORS-NOTE-DO-NOT-PUBLISH",
    ))
    factories.FigureFactory(incident=mosul, report=secret_report, count_min=9999, count_max=9999, attributed_to="a rumour",
                            quote="EXCLUDED-QUOTE-9999", excluded=True, excluded_reason="Unverifiable rumour")
    factories.VictimFactory(incident=mosul, name="Zaynab Private-Name", visibility=choices.Visibility.PRIVATE)
    factories.VictimFactory(incident=mosul, name="Omar Public-Name", name_ar="عمر", visibility=choices.Visibility.PUBLIC,
                            notes="VICTIM-NOTE-PRIVATE")
    draft = factories.IncidentFactory(status=choices.Status.DRAFT, title="DRAFT-INCIDENT-TITLE")
    mosul.related.add(draft)

    body = text_of(page(client, mosul))
    assert "140 people died under the rubble" in body and "Local source" in body
    for hidden in ("Abu Karim", "abu-karim", "chat.example.org", "archive.example.org", "EDITORS-NOTE", "EXCLUDED-QUOTE",
                   "9999", "9,999", "Unverifiable rumour", "Zaynab", "VICTIM-NOTE", "DRAFT-INCIDENT-TITLE"):
        assert hidden not in body, hidden
    assert "Omar Public-Name" in body and "عمر" in body
    # The excluded claim does not stretch the range either: 83–140, not 83–9,999.
    assert "83–140" in body


def test_change_log_starts_at_publication_and_names_no_editor(client, db):
    editor = get_user_model().objects.create_user("amira_editor_7")
    incident = factories.IncidentFactory(title="DRAFT-WORKING-TITLE", status=choices.Status.DRAFT, grade="")
    incident._history_user = editor
    incident.title, incident.status, incident.grade = "Strike on the old market", choices.Status.PUBLISHED, choices.Grade.WEAK
    incident.save()
    history = list(incident.history.order_by("history_date"))
    for row, day in zip(history, (datetime.date(2017, 4, 1), datetime.date(2017, 4, 2)), strict=True):
        type(row).objects.filter(pk=row.pk).update(history_date=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))))
    incident.refresh_from_db()
    incident._history_user = editor
    incident.grade = choices.Grade.FAIR
    incident.title = "Strike on the old market of Mosul"
    incident.save()
    factories.FigureFactory(incident=incident, count_min=12, count_max=12, attributed_to="hospital staff", stated_on=datetime.date(2017, 4, 3))

    response = page(client, incident)
    body = text_of(response)
    changes = response.context["changes"]
    assert [day.day for day in changes] == [timezone.localdate(), datetime.date(2017, 4, 2)]
    assert changes[-1].changes == ["First published, graded weak"]
    assert "Grade: weak → fair" in changes[0].changes
    assert "Title: Strike on the old market → Strike on the old market of Mosul" in changes[0].changes
    assert "Claim added: hospital staff: 12 civilians killed" in changes[0].changes
    assert "Reported killed: no number → 12" in changes[0].changes
    assert "amira_editor_7" not in body
    assert "DRAFT-WORKING-TITLE" not in body
    tracker = [entry.text for entry in response.context["timeline"] if entry.kind == "tracker"]
    assert tracker == ["record published, graded weak", "grade changed from weak to fair"]


def test_change_log_hides_excluded_and_private_changes(client, db):
    incident = factories.IncidentFactory(status=choices.Status.PUBLISHED)
    backdate_history(incident, datetime.date(2017, 4, 1))
    claim = factories.FigureFactory(incident=incident, count_min=31, count_max=31, attributed_to="SHOWN-THEN-EXCLUDED")
    factories.FigureFactory(incident=incident, count_min=77, count_max=77, attributed_to="NEVER-SHOWN", excluded=True,
                            excluded_reason="duplicate")
    factories.VictimFactory(incident=incident, name="PRIVATE-VICTIM", visibility=choices.Visibility.PRIVATE)
    claim.excluded, claim.excluded_reason = True, "misread"
    claim.save()
    body = text_of(page(client, incident))
    for hidden in ("SHOWN-THEN-EXCLUDED", "NEVER-SHOWN", "PRIVATE-VICTIM", "misread", "duplicate"):
        assert hidden not in body, hidden


# Quotes in their context


def test_quote_opens_in_its_sentence_with_the_words_highlighted(client, mosul):
    body = text_of(page(client, mosul))
    assert ("Previously, the U.S.-led coalition had said officials were unsure whether there were any air attacks targeting "
            "the specific area of the neighborhood Mosul al-Jadida at the time when residents claim a strike "
            "<mark>killed 137 civilians</mark>.") not in body  # the whole claimed quote is marked, not only part of it
    assert "at the time when <mark>residents claim a strike killed 137 civilians</mark>." in body
    assert "<mark>Iraqi officials working on the rescue said they had pulled 83 bodies</mark> — including many women and children" in body
    assert " from a destroyedbuilding <mark>by sundown Saturday</mark>." in body
    assert "showed that the coalition struck Islamic State fighters and equipment in west Mosul at the request of Iraq forces and “" \
           "<mark>at the location corresponding to allegations of civilian casualties</mark>,” the task force" in body
    assert body.count("<details class=\"quote\">") == 7  # five claims, two statements


@pytest.mark.parametrize(("quote", "expected"), [
    ("killed 137 civilians", [
        ("Previously, the U.S.-led coalition had said officials were unsure whether there were any air attacks targeting the specific "
         "area of the neighborhood Mosul al-Jadida at the time when residents claim a strike ", False),
        ("killed 137 civilians", True), (".", False)]),
    # Straight quotes and a trailing comma for the article's curly ones; the words come from the text.
    ('"at the location corresponding to allegations of civilian casualties,"', [
        ("An “initial review” showed that the coalition struck Islamic State fighters and equipment in west Mosul at the request of "
         "Iraq forces and “", False),
        ("at the location corresponding to allegations of civilian casualties,", True),
        ("” the task force leading the coalition said in a statement.", False)]),
    # Case and spacing differ; "U.S." does not end the sentence.
    ("THE U.S.  military is now\ninvestigating", [
        ("In addition to the March 17 strike in Mosul, ", False), ("the U.S. military is now investigating", True),
        (" a separate attack this month alleged to have killed scores of civilians at a mosque in Syria.", False)]),
    # An ellipsis skips words: only the quoted words are marked.
    ("they had pulled 83 bodies ... by sundown Saturday", [
        ("Iraqi officials working on the rescue said ", False), ("they had pulled 83 bodies", True),
        (" — including many women and children — from a destroyedbuilding ", False), ("by sundown Saturday", True), (".", False)]),
    ("ISIS's inhuman tactics", [
        ("“But the coalition will not abandon our commitment to our Iraqi partners because of ", False),
        ("ISIS’s inhuman tactics", True),
        (" terrorizing civilians, using human shields, and fighting from protected sites such as schools, hospitals, religious sites "
         "and civilian neighborhoods,” the statement read.", False)]),
])
def test_quote_context(quote, expected):
    assert quote_context(quote, ARTICLE) == expected


def test_quote_context_not_found():
    assert quote_context("residents claim a strike killed 173 civilians", ARTICLE) is None
    assert quote_context("by sundown Saturday … they had pulled 83 bodies", ARTICLE) is None
    assert quote_context("", ARTICLE) is None
    assert quote_context("anything", "") is None


def test_quote_context_keeps_to_the_paragraph_and_clips_run_on_text():
    text = "First paragraph ends here without a stop\nThe quote is here in the second one\n" + "word " * 300 + "the end"
    assert quote_context("quote is here", text) == [("The ", False), ("quote is here", True), (" in the second one", False)]
    pieces = quote_context("the end", text)
    assert pieces[-1] == ("the end", True) and pieces[0][0].startswith("…") and len(pieces[0][0]) <= 401


def test_quote_context_decomposed_accents_and_arabic():
    text = "Le maire a dit: cafe\u0301 détruit. قال الشهود إن ١٢ شخصا قتلوا. Autre phrase."
    assert quote_context("café détruit", text) == [("Le maire a dit: ", False), ("cafe\u0301 détruit", True), (".", False)]
    assert quote_context("قتلوا", text) == [("قال الشهود إن ١٢ شخصا ", False), ("قتلوا", True), (".", False)]


# Dates, also tracked by, citing


def test_month_precision_reads_as_the_month(client, mosque):
    response = page(client, mosque)
    body = text_of(response)
    assert "March 2017" in body
    assert "1 March 2017" not in body
    assert response.context["timeline"][0].when == "March 2017"
    assert 'datetime="2017-03"' in body
    assert "inferred by the tracker" in body
    assert "Syria" in body and "to country level only" in body


def test_also_tracked_by_with_ucdp_citation(client, mosul):
    body = text_of(page(client, mosul))
    assert 'href="https://ucdp.uu.se/event/238475"' in body
    assert "CC BY 4.0" in body
    assert "Sundberg, Ralph and Erik Melander (2013)" in body and "Högbladh, Stina (2019)" in body


def test_cite_this_record(client, mosul):
    response = page(client, mosul)
    body = text_of(response)
    mosul.refresh_from_db()
    today = timezone.localdate().strftime("%-d %B %Y")
    assert f"http://testserver/incidents/{mosul.code}/" in body
    assert (f"“Airstrike on Mosul al-Jadida, west Mosul” [{mosul.code}], version {mosul.version}, "
            f"last updated {timezone.localdate(mosul.updated_at).strftime('%-d %B %Y')}. http://testserver/incidents/{mosul.code}/ "
            f"(accessed {today}).") in body


def test_sources_table(client, mosul):
    Report.objects.filter(incident_links__incident=mosul).update(
        url="https://www.washingtonpost.com/mosul", archive_url="https://web.archive.org/web/2017/mosul")
    body = text_of(page(client, mosul))
    sources = body[body.index('id="sources-heading"'):body.index('id="also-tracked-heading"')]
    assert "The Washington Post" in sources and "25 Mar 2017" in sources and "English" in sources
    assert 'href="https://www.washingtonpost.com/mosul"' in sources and 'href="https://web.archive.org/web/2017/mosul"' in sources


def test_public_victims_listed(client, db):
    incident = factories.IncidentFactory(status=choices.Status.PUBLISHED)
    factories.VictimFactory(incident=incident, name="Hassan Ali", age=9, visibility=choices.Visibility.PUBLIC, family_group="Ali family")
    body = text_of(page(client, incident))
    assert "Victims" in body and "Hassan Ali" in body and "Ali family" in body


# Queries


def _incident_with(claims: int):
    incident = factories.IncidentFactory(status=choices.Status.PUBLISHED, grade=choices.Grade.FAIR)
    text = " ".join(f"Witness {n} says {n + 1} people were killed." for n in range(claims))
    source = factories.SourceFactory(is_confidential=True)
    for n in range(claims):
        report = factories.ReportFactory(text=text, source=source if n % 3 == 0 else factories.SourceFactory())
        factories.FigureFactory(incident=incident, report=report, count_min=n + 1, count_max=n + 1,
                                quote=f"{n + 1} people were killed", stated_on=datetime.date(2017, 3, 18 + n % 10))
        statement = factories.StatementFactory(incident=incident, report=report, stated_on=datetime.date(2017, 4, 1 + n % 20))
        factories.FigureFactory(incident=incident, report=report, statement=statement, basis=choices.Basis.CONCEDED,
                                count_min=n, count_max=n)
        factories.BelligerentRoleFactory(incident=incident)
        factories.ExternalIdentifierFactory(incident=incident)
        factories.VictimFactory(incident=incident, visibility=choices.Visibility.PUBLIC)
    incident.grade = choices.Grade.CONFIRMED
    incident.save()
    return incident


def test_query_count_does_not_grow_with_claims(client, db, django_assert_max_num_queries):
    few, many = _incident_with(2), _incident_with(40)
    # 18: the change log also reads the reports of automatically linked reports, which now have history rows; one query
    # reads the published related records, one the stored positions.
    # 19: the record's redaction marks (`incidents.redaction`) are read once.
    # 20: its documented deaths by SDG 16.1.2 category (`incidents.sdg`), one grouped query whatever the victims.
    with django_assert_max_num_queries(20):
        assert page(client, few).status_code == 200
    with django_assert_max_num_queries(20):
        response = page(client, many)
    assert response.status_code == 200
    assert len(response.context["reported"]) == 40 and len(response.context["victims"]) == 40


# The timeline's own rules


def test_tracker_events_show_only_publication_and_grade_changes():
    def row(day, status, grade, **rest):
        return {"history_date": timezone.make_aware(datetime.datetime(2017, 4, day, 9)), "status": status, "grade": grade, **rest}

    history = [
        row(1, "draft", "weak", title="secret draft"), row(2, "draft", "fair"), row(3, "in_review", "fair"),
        row(4, "published", "fair"), row(5, "published", "fair"), row(6, "published", "confirmed"),
        row(7, "in_review", "weak"), row(8, "published", "weak"),
    ]
    assert [(entry.day.day, entry.text) for entry in tracker_events(history)] == [
        (4, "record published, graded fair"),
        (6, "grade changed from fair to confirmed"),
        (8, "record published again, graded weak"),
    ]
