"""English and Arabic: /ar/ pages read right to left in Arabic, switch language on the same page, show the records'
Arabic words where editors wrote them (the English ones, marked, where not), and never leak drafts."""

import re

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from casualtytracker.i18n import indic_digits
from incidents import choices, services
from incidents.models import Incident
from incidents.translated import in_language
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def records():
    """A published incident with Arabic words, one without, their actor and conflict (Arabic name) and a source."""
    conflict = factories.ConflictFactory(name="Coalition vs ISIS — Iraq", name_ar="التحالف ضد داعش — العراق")
    actor = factories.ActorFactory(name="US forces", slug="us-forces", name_ar="القوات الأمريكية")
    translated = factories.IncidentFactory(
        status=choices.Status.PUBLISHED, title="Airstrike on Mosul al-Jadida", summary="A coalition airstrike hit it.",
        title_ar="غارة جوية على الموصل الجديدة", summary_ar="أصابت غارة جوية للتحالف الحي.", conflict=conflict,
    )
    english_only = factories.IncidentFactory(status=choices.Status.PUBLISHED, title="Shelling of Hit", summary="Shells fell.")
    factories.BelligerentRoleFactory(incident=translated, actor=actor)
    source = factories.SourceFactory(name="The Washington Post", slug="washington-post", name_ar="واشنطن بوست")
    services.link_report(incident=translated, report=factories.ReportFactory(source=source))
    return {"translated": translated, "english_only": english_only, "actor": actor, "conflict": conflict, "source": source}


def _html_tag(content):
    return re.search(r"<html[^>]*>", content)[0]


def test_arabic_home_reads_right_to_left_with_arabic_navigation(client, records):
    content = client.get("/ar/").content.decode()
    assert _html_tag(content) == '<html lang="ar" dir="rtl">'
    assert '<a href="/ar/incidents/">الحوادث</a>' in content
    assert ">المنهجية</a>" in content
    assert "غارة جوية على الموصل الجديدة" in content
    # The English-only incident keeps its English title, marked as such.
    assert '<span lang="en" dir="ltr">Shelling of Hit</span> <small class="untranslated">(لا يوجد نص عربي بعد)</small>' in content


def test_english_pages_stay_left_to_right_and_english(client, records):
    content = client.get("/").content.decode()
    assert _html_tag(content) == '<html lang="en" dir="ltr">'
    assert '<a href="/incidents/">Incidents</a>' in content
    assert "Airstrike on Mosul al-Jadida" in content
    assert "غارة جوية" not in content and "untranslated" not in content


def test_arabic_incident_page_shows_arabic_title_summary_and_names(client, records):
    incident = records["translated"]
    content = client.get(f"/ar/incidents/{incident.code}/").content.decode()
    assert _html_tag(content) == '<html lang="ar" dir="rtl">'
    assert "<h1>غارة جوية على الموصل الجديدة</h1>" in content
    assert "أصابت غارة جوية للتحالف الحي." in content
    assert ">القوات الأمريكية</a>" in content
    assert ">التحالف ضد داعش — العراق</a>" in content
    assert "<title>غارة جوية على الموصل الجديدة (" in content


def test_arabic_incident_page_without_arabic_shows_english_with_a_note(client, records):
    content = client.get(f"/ar/incidents/{records['english_only'].code}/").content.decode()
    assert '<h1><span lang="en" dir="ltr">Shelling of Hit</span> <small class="untranslated">(لا يوجد نص عربي بعد)</small></h1>' in content
    assert "Shells fell." in content


def test_arabic_names_on_belligerent_conflict_and_source_pages(client, records):
    assert "<h1>القوات الأمريكية</h1>" in client.get("/ar/belligerents/us-forces/").content.decode()
    assert "القوات الأمريكية" in client.get("/ar/belligerents/").content.decode()
    conflict_page = client.get(f"/ar/conflicts/{records['conflict'].slug}/").content.decode()
    assert "<h1>التحالف ضد داعش — العراق</h1>" in conflict_page
    assert "<h1>واشنطن بوست</h1>" in client.get("/ar/sources/washington-post/").content.decode()
    # English pages keep the English names.
    assert "<h1>US forces</h1>" in client.get("/belligerents/us-forces/").content.decode()


def test_switcher_links_the_same_page_and_query_in_the_other_language(client, records):
    content = client.get("/incidents/?q=mosul&grade=fair").content.decode()
    assert '<a href="/ar/incidents/?q=mosul&amp;grade=fair" hreflang="ar" lang="ar">العربية</a>' in content
    content = client.get("/ar/incidents/?q=mosul&grade=fair").content.decode()
    assert '<a href="/incidents/?q=mosul&amp;grade=fair" hreflang="en" lang="en">English</a>' in content
    code = records["translated"].code
    assert f'href="/ar/incidents/{code}/"' in client.get(f"/incidents/{code}/").content.decode()


def test_hreflang_alternates_in_head(client, records):
    content = client.get("/ar/timeline/").content.decode()
    head = content[: content.index("</head>")]
    assert '<link rel="alternate" hreflang="en" href="http://testserver/timeline/">' in head
    assert '<link rel="alternate" hreflang="ar" href="http://testserver/ar/timeline/">' in head
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/timeline/">' in head


def test_data_addresses_stay_unprefixed(client, records):
    """API, exports and feeds hold language-neutral data at one address: /ar/ has none of them."""
    assert client.get("/api/v1/incidents/").status_code == 200
    assert client.get(reverse("export_csv")).status_code == 200
    assert client.get("/ar/api/v1/incidents/").status_code == 404
    assert client.get("/ar/incidents/export.csv", follow=True).status_code == 404
    with translation.override("ar"):
        assert reverse("export_csv") == "/incidents/export.csv"
        assert reverse("incident_list") == "/ar/incidents/"


def test_admin_in_arabic(admin_client):
    content = admin_client.get("/ar/admin/").content.decode()
    assert _html_tag(content).startswith('<html lang="ar" dir="rtl"')
    assert "لوحة المحررين" in content or "السجلات" in content


def test_arabic_title_is_searchable(client, records):
    content = client.get("/ar/incidents/", {"q": "الموصل الجديدة"}).content.decode()
    assert records["translated"].code in content
    assert records["english_only"].code not in content


def test_no_draft_leaks_in_arabic_pages(client, records):
    draft = factories.IncidentFactory(title="Secret draft", title_ar="مسودة سرية جدا", status=choices.Status.DRAFT)
    for url in ("/ar/", "/ar/incidents/", "/ar/incidents/?q=مسودة", "/ar/timeline/"):
        content = client.get(url).content.decode()
        assert "مسودة سرية جدا" not in content and draft.code not in content, url
    assert client.get(f"/ar/incidents/{draft.code}/").status_code == 404


def test_in_language_rule():
    incident = Incident(title="English title", title_ar="عنوان عربي", summary="English summary", summary_ar="")
    assert in_language(incident, "title", "ar").text == "عنوان عربي" and not in_language(incident, "title", "ar").fallback
    summary = in_language(incident, "summary", "ar")
    assert summary.text == "English summary" and summary.fallback and summary.language == "en"
    assert in_language(incident, "title", "en").text == "English title"
    assert not in_language(Incident(title="", summary=""), "summary", "ar").fallback  # nothing to translate
    assert in_language({"name": "US forces", "name_ar": "القوات الأمريكية"}, "name", "ar").text == "القوات الأمريكية"


def test_indic_digits_touch_text_only():
    html = ('<a href="/incidents/IQ-2017-0001/?page=2" data-n="12">IQ-2017 غارة 1,234.5 قتيلًا</a>'
            '<script src="/static/a1.js"></script><style>.a1 { margin: 0 }</style><code>manage.py 3</code>'
            '<input value="2017-03-17"><textarea>42</textarea>&#8211; 83–137')
    out = indic_digits(html)
    assert 'href="/incidents/IQ-2017-0001/?page=2" data-n="12"' in out
    assert "IQ-٢٠١٧ غارة ١٬٢٣٤٫٥ قتيلًا" in out
    assert '<script src="/static/a1.js"></script><style>.a1 { margin: 0 }</style><code>manage.py 3</code>' in out
    assert '<input value="2017-03-17"><textarea>42</textarea>&#8211; ٨٣–١٣٧' in out


def test_arabic_indic_digits_setting(client, records):
    code = records["translated"].code
    with override_settings(ARABIC_INDIC_DIGITS=True):
        arabic = client.get("/ar/incidents/").content.decode()
        english = client.get("/incidents/").content.decode()
    assert f'href="/ar/incidents/{code}/"' in arabic  # addresses untouched
    assert "٢" in arabic  # the incidents' year (2017) in the text
    assert "٢" not in english
    default = client.get("/ar/incidents/").content.decode()
    assert "٢" not in default  # off by default: Western digits


def test_typed_text_takes_its_own_direction(client, records):
    """Arabic typed into an English page (or English into an Arabic one) runs in its own direction."""
    content = client.get("/ar/incidents/").content.decode()
    assert re.search(r'<input type="search" name="q"[^>]*dir="auto"', content) or re.search(r'<input[^>]*name="q"[^>]*dir="auto"', content)
    assert 'id="home-q" name="q" type="search" maxlength="200"' in client.get("/").content.decode()


def test_admin_arabic_fields_are_typed_right_to_left(admin_client, records):
    content = admin_client.get(reverse("admin:incidents_actor_change", args=[records["actor"].pk])).content.decode()
    assert re.search(r'<input[^>]*name="name_ar"[^>]*dir="rtl"', content) or re.search(r'<input[^>]*dir="rtl"[^>]*name="name_ar"', content)
    content = admin_client.get(reverse("admin:incidents_incident_change", args=[records["translated"].pk])).content.decode()
    assert 'name="title_ar"' in content and 'name="summary_ar"' in content
