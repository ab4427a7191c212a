"""English and Arabic from the Python side: the display rules, filter errors, notices and numbers speak the active
language, English stays exactly as it was, and every message written in Python has an Arabic translation."""

import datetime
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from incidents import changelog, choices, display, timeline
from incidents.feeds import _IncidentFeed
from incidents.filters import IncidentFilter
from incidents.models import Incident
from incidents.pagination import NO_MORE
from tests import factories

LOCALE = Path(django_settings.BASE_DIR) / "locale"
PO_FILE = LOCALE / "ar" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w*\}")


@pytest.fixture(autouse=True)
def site_catalogue(settings):
    """The site's own catalogue (locale/), whether or not the settings list it yet: changing the setting resets
    Django's translation caches, so each test reads the compiled .mo afresh."""
    if LOCALE not in [Path(path) for path in settings.LOCALE_PATHS]:
        settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, LOCALE]


def in_both(function, *args, **kwargs) -> tuple[str, str]:
    with translation.override("en-gb"):
        english = function(*args, **kwargs)
    with translation.override("ar"):
        arabic = function(*args, **kwargs)
    return english, arabic


def test_an_open_top_reads_or_more_in_arabic():
    assert in_both(display.format_range, 101, None, open_top=True) == ("101+", "101 أو أكثر")
    record = SimpleNamespace(reported_killed_min=101, reported_killed_max=120, reported_killed_open=True)
    assert in_both(display.format_figure, record, "reported_killed") == ("101+", "101 أو أكثر")


def test_a_closed_range_beside_a_claim_in_words_only_is_open_in_both_languages():
    record = SimpleNamespace(reported_killed_min=83, reported_killed_max=137, reported_killed_open=False,
                             reported_killed_unquantified=True)
    assert in_both(display.format_figure, record, "reported_killed") == ("83–137+", "83–137 أو أكثر")


def test_at_least_and_no_number():
    assert in_both(display.format_total, 1234, None, open_top=True) == ("at least 1,234", "ما لا يقل عن 1,234")
    assert in_both(display.format_range, None, None) == ("no number", "لا رقم")
    assert in_both(display.format_range, None, 200) == ("up to 200", "حتى 200")


def test_claims_phrased_as_they_were_said():
    more_than = SimpleNamespace(count_min=101, count_max=None, qualifier=choices.Qualifier.MORE_THAN)
    about = SimpleNamespace(count_min=1000, count_max=1000, qualifier=choices.Qualifier.ABOUT)
    assert in_both(display.format_claim, more_than) == ("more than 100", "أكثر من 100")
    assert in_both(display.format_claim, about) == ("about 1,000", "نحو 1,000")


@pytest.mark.parametrize(("count", "english", "arabic"), [
    (0, "0 incidents", "0 حادثة"),
    (1, "1 incident", "حادثة واحدة"),
    (2, "2 incidents", "حادثتان"),
    (5, "5 incidents", "5 حوادث"),
    (11, "11 incidents", "11 حادثة"),
    (1234, "1,234 incidents", "1,234 حادثة"),
])
def test_counts_take_the_six_arabic_plural_forms(count, english, arabic):
    assert in_both(display.count_words, count, "incident") == (english, arabic)


def test_a_noun_the_catalogue_does_not_know_stays_as_given():
    assert in_both(display.count_words, 3, "widget") == ("3 widgets", "3 widgets")


def test_dates_honest_to_their_precision_use_arabic_month_names():
    march = datetime.date(2017, 3, 1)
    assert in_both(display.format_date, march, choices.DatePrecision.MONTH) == ("March 2017", "مارس 2017")
    day = datetime.date(2017, 3, 17)
    assert in_both(display.format_date, day, choices.DatePrecision.DAYS) == ("c. 17 March 2017", "نحو 17 مارس 2017")
    assert in_both(display.format_date, None, choices.DatePrecision.DAY) == ("Unknown", "غير معروف")
    assert in_both(display.format_period, datetime.date(2017, 3, 1), datetime.date(2017, 3, 15)) == (
        "1–15 March 2017", "1–15 مارس 2017")


def test_a_day_written_in_arabic_reads_back():
    """The filter form shows a typed day as the page writes it; in Arabic that day must read back the same."""
    day = datetime.date(2017, 5, 17)
    english, arabic = in_both(display.format_day, day)
    assert (english, arabic) == ("17 May 2017", "17 مايو 2017")
    with translation.override("ar"):
        assert display.read_day(arabic) == day
        assert display.read_day("2017-05-17") == day


def test_places_use_the_arabic_comma_and_country_names():
    record = SimpleNamespace(neighbourhood="", locality="Mosul", admin2="", admin1="Nineveh", country="IQ")
    assert in_both(display.format_place, record) == ("Mosul, Nineveh, Iraq", "Mosul، Nineveh، العراق")
    assert in_both(display.country_name, "SY") == ("Syria", "سوريا")
    assert in_both(display.format_place, SimpleNamespace(country=""), short=True) == ("Unknown", "غير معروف")


def test_numbers_are_grouped_by_thousands_in_both_languages():
    assert in_both(display.number, 1234567) == ("1,234,567", "1,234,567")
    assert in_both(display.number, 999) == ("999", "999")


def test_precision_words_and_timeline_labels():
    assert in_both(lambda: str(display.GEO_PRECISION_WORDS[choices.GeoPrecision.CITY])) == ("to city level", "على مستوى المدينة")
    entry = timeline.Entry(day=datetime.date(2017, 3, 17), when="", kind="concession", text="")
    assert in_both(lambda: entry.label) == ("Figure conceded", "رقم مُقَرّ به")


def test_the_change_log_counts_many_changes_in_arabic():
    events = [("Claim added", f"claim {n}") for n in range(7)]
    english, arabic = in_both(changelog._summarise, events)
    assert english == ["7 claims added"]
    assert arabic == ["أُضيفت 7 ادعاءات"]
    assert in_both(changelog._summarise, [("Report removed", "")]) == (["Report removed"], ["أُزيل تقرير"])


def test_page_notices_in_arabic():
    assert in_both(lambda: str(NO_MORE["incidents"])) == (
        "There are no more incidents in that direction. Showing the first page.",
        "لا مزيد من الحوادث في ذلك الاتجاه. تُعرض الصفحة الأولى.")


@pytest.mark.django_db
def test_filter_form_errors_speak_arabic():
    data = {"date_from": "20 March 2017", "date_to": "1 March 2017"}
    with translation.override("ar"):
        filterset = IncidentFilter(data, queryset=Incident.objects.published())
        assert not filterset.is_valid()
        assert filterset.form.non_field_errors() == [
            "تاريخ «من» (2017-03-20) يقع بعد تاريخ «إلى» (2017-03-01): بدّل بينهما أو صحّح أحدهما."]
        bad_day = IncidentFilter({"date_from": "someday"}, queryset=Incident.objects.published())
        assert bad_day.form.errors["date_from"][0].startswith("أدخل يومًا حقيقيًا كما يكتبه الموقع")
        assert str(bad_day.form.fields["date_from"].label) == "من"
    with translation.override("en-gb"):
        filterset = IncidentFilter(data, queryset=Incident.objects.published())
        assert filterset.form.non_field_errors() == [
            "The “from” date (2017-03-20) is after the “to” date (2017-03-01): swap them or correct one."]


@pytest.mark.django_db
def test_a_feed_entry_in_arabic():
    incident = factories.IncidentFactory(status=choices.Status.PUBLISHED, grade=choices.Grade.FAIR,
                                         date_start=datetime.date(2017, 3, 1), date_precision=choices.DatePrecision.MONTH)
    Incident.objects.filter(pk=incident.pk).update(reported_killed_min=101, reported_killed_max=101, reported_killed_open=True)
    incident.refresh_from_db()
    english, arabic = in_both(_IncidentFeed().item_description, incident)
    assert english == ("When: March 2017. Where: Mosul, Nineveh, Iraq. Civilians reported killed: 101+. "
                       "Conceded by a belligerent: no number. Grade: fair.")
    assert arabic == ("متى: مارس 2017. أين: Mosul، Nineveh، العراق. المدنيون الذين أُفيد بمقتلهم: 101 أو أكثر. "
                      "أقرّ به طرف متحارب: لا رقم. درجة التقييم: مقبول.")


def test_model_choices_and_help_texts_are_arabic_for_editors():
    with translation.override("ar"):
        assert str(choices.Status.DRAFT.label) == "مسودة"
        assert str(choices.Status.PUBLISHED.label) == "منشور"
        assert str(Incident._meta.get_field("status").help_text) == "لا تظهر إلا الحوادث المنشورة في الصفحات وواجهة البرمجة والتصديرات."


def test_every_python_message_has_an_arabic_translation_with_its_placeholders():
    """A message written in Python (any `#:` reference to a .py file) is translated, all six plural forms filled, and
    every placeholder kept (a lost `%(count)s` would raise or drop the number at run time)."""
    polib = pytest.importorskip("polib")
    catalogue = polib.pofile(str(PO_FILE))
    assert catalogue.metadata["Plural-Forms"].startswith("nplurals=6;")
    python_entries = [entry for entry in catalogue if not entry.obsolete
                      and any(not path.endswith(".html") for path, _line in entry.occurrences)]
    assert len(python_entries) > 500
    problems = []
    for entry in python_entries:
        wanted = set(PLACEHOLDER.findall(entry.msgid))
        if "fuzzy" in entry.flags:
            problems.append(("fuzzy", entry.msgid))
        forms = [entry.msgstr_plural[n] for n in range(6)] if entry.msgid_plural else [entry.msgstr]
        for n, form in enumerate(forms):
            # The singular and dual forms may say the number in words ("حادثة واحدة", "حادثتان").
            if not form or not (set(PLACEHOLDER.findall(form)) == wanted or (entry.msgid_plural and n in (1, 2))):
                problems.append((n, entry.msgid, form))
    assert problems == []


def test_the_compiled_catalogue_matches_its_source():
    """The committed .mo says what the .po says (run `compilemessages -l ar` after editing the .po)."""
    polib = pytest.importorskip("polib")
    stale = []
    with translation.override("ar"):
        for entry in polib.pofile(str(PO_FILE)):
            if entry.obsolete or entry.msgid_plural or not entry.msgstr or "fuzzy" in entry.flags:
                continue
            said = translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else translation.gettext(entry.msgid)
            if said != entry.msgstr:
                stale.append(entry.msgid)
    assert stale == []


def test_exports_and_their_data_dictionary_stay_english():
    """Exports are data: a cell and a column's meaning read the same whatever language the page was in."""
    from incidents import exports

    actor = SimpleNamespace(name="Coalition", parent_id=None)
    position = SimpleNamespace(stance="denies", stated_on=None, conceded_killed_min=101, conceded_killed_max=None,
                               conceded_injured_min=None, conceded_injured_max=None, actor=actor)
    english, arabic = in_both(exports._position, position)
    assert english == arabic == "Coalition: denies, conceded killed 101+"
    assert in_both(exports._help, Incident, "status") == (
        "Only published incidents appear on pages, API and exports.", "Only published incidents appear on pages, API and exports.")


def test_the_field_dictionary_knows_derived_fields_in_arabic():
    from incidents.field_dictionary import is_derived

    field = Incident._meta.get_field("reported_killed_min")
    with translation.override("ar"):
        assert str(field.help_text).endswith("مشتق.")
        assert is_derived(field)
        assert not is_derived(Incident._meta.get_field("title"))


def test_a_bulk_step_says_what_it_did_in_the_editors_language():
    from incidents import workflow
    from incidents.jobs import StepTally

    tally = StepTally(applied=35, skipped={"it is published.": {"count": 12, "examples": ["CT-000001", "CT-000002"]}})
    step = workflow.TRANSITIONS_BY_NAME["submit"]
    english, arabic = in_both(tally.sentence, step, "incident")
    assert english == "35 incidents submitted for review; 12 skipped (CT-000001, CT-000002 and 10 more): it is published."
    assert arabic == "قُدّمت للمراجعة: 35 حادثة؛ تُخطّي 12 (CT-000001, CT-000002 و10 غيرها): it is published."
    assert in_both(workflow.done_message, step, "CT-000001") == ("CT-000001 submitted for review.", "قُدّم CT-000001 للمراجعة.")
