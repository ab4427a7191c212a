"""The Arabic catalogue is complete: every entry translated and not fuzzy, placeholders kept, every public string of
the templates and code in it, and the committed .mo (a fresh machine has no gettext to compile it) the same as the .po.

`make messages` updates the catalogue (GNU gettext needed); this check tells what it left to translate.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "ar" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# What `make messages` leaves out of the extraction (tools, tests, the virtualenv).
IGNORED = [".venv", "bench", "tests", "staticfiles", "test-artifacts", "node_modules"]


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(PO))


def test_every_entry_is_translated_and_not_fuzzy(catalogue):
    untranslated = [entry.msgid for entry in catalogue if not entry.translated() and not entry.obsolete]
    fuzzy = [entry.msgid for entry in catalogue if "fuzzy" in entry.flags]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"
    assert catalogue.metadata.get("Language") == "ar"
    assert "nplurals=6" in catalogue.metadata.get("Plural-Forms", "")


def test_placeholders_match(catalogue):
    """A translation uses exactly the %(name)s of its English text: a missing one loses a number, an unknown one
    breaks the page. Plural forms may leave out the count only in the forms for one and two (حادثة واحدة، حادثتان)."""
    wrong = []
    for entry in catalogue:
        if entry.msgid_plural:
            allowed = placeholders(entry.msgid) | placeholders(entry.msgid_plural)
            for index, form in entry.msgstr_plural.items():
                used = placeholders(form)
                expected = placeholders(entry.msgid_plural)
                if not used <= allowed or (int(index) not in (1, 2) and used != expected):
                    wrong.append((entry.msgid, index, form))
        elif placeholders(entry.msgid) != placeholders(entry.msgstr):
            wrong.append((entry.msgid, entry.msgstr))
    assert not wrong, wrong[:5]


def test_compiled_catalogue_matches_the_po(catalogue, tmp_path):
    """The committed .mo says what the .po says (compiled again in memory)."""
    committed = polib.mofile(str(MO))
    fresh_path = tmp_path / "django.mo"
    catalogue.save_as_mofile(str(fresh_path))
    fresh = polib.mofile(str(fresh_path))

    def pairs(mo):
        return {(entry.msgctxt, entry.msgid): (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
                for entry in mo if entry.msgid}

    assert pairs(committed) == pairs(fresh), "locale/ar/LC_MESSAGES/django.mo is stale: run `make messages`"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_every_public_string_is_in_the_catalogue(tmp_path, catalogue):
    """makemessages on a copy of the tree: any msgid it finds that the committed .po lacks is an untranslated
    public string (a template or message someone added without `make messages`)."""
    copy = tmp_path / "tree"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*IGNORED, "*.sqlite3", "locale", "__pycache__", ".git"),
                    symlinks=True)
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ar", "--no-obsolete", *[f"--ignore={name}" for name in IGNORED]],
        cwd=copy, check=True, capture_output=True, env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "1", "HOME": str(tmp_path)},
    )
    extracted = polib.pofile(str(copy / "locale" / "ar" / "LC_MESSAGES" / "django.po"))
    known = {(entry.msgctxt, entry.msgid) for entry in catalogue}
    missing = [f"untranslated public string: {entry.msgid!r} ({entry.occurrences[0][0]})"
               for entry in extracted if (entry.msgctxt, entry.msgid) not in known]
    assert not missing, "\n".join(missing[:20]) + (f"\n… {len(missing)} in all" if len(missing) > 20 else "")
