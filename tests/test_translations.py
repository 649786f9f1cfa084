"""Both catalogues are complete: no untranslated or fuzzy message in vi or en, and the
compiled .mo files match their .po sources."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[1] / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))

# English messages that are rightly the same as their Vietnamese source: language names
# (each shown in its own language) and pure formats.
# Messages made only of placeholders and punctuation read the same in English.
SAME_IN_ENGLISH = {
    "Tiếng Việt",
    "English",
    "%(unit)s — %(period)s",
    ", %(verdict)s (%(target)s)",
    ", %(change)s (%(last)s)",
    "%(subject)s: %(value)s, %(verdict)s (%(target)s)",
}


def _messages(po, *flags):
    """The msgids of the entries ``msgattrib FLAGS`` keeps, header excluded.

    Parsed rather than grepped: gettext writes a long msgid as ``msgid ""`` followed by
    continuation lines, which a line filter on ``msgid "..."`` would never see.
    """
    result = subprocess.run(["msgattrib", *flags, str(po)], capture_output=True, text=True, check=True)
    return [entry.msgid for entry in polib.pofile(result.stdout)]


def test_both_languages_have_catalogues():
    assert {po.parts[-3] for po in CATALOGUES} == {"vi", "en"}
    assert shutil.which("msgattrib"), "gettext tools are installed by `make system-deps`"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-3])
def test_no_untranslated_or_fuzzy_message(po):
    assert _messages(po, "--untranslated") == []
    assert _messages(po, "--only-fuzzy") == []
    header = polib.pofile(str(po))
    assert not header.metadata_is_fuzzy
    assert header.metadata["Language"] == po.parts[-3]
    assert header.metadata["Content-Type"] == "text/plain; charset=UTF-8"


def test_the_check_sees_long_and_fuzzy_messages(tmp_path):
    """The helper above finds a wrapped untranslated msgid and a fuzzy one (it can fail)."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid ""\n"Một câu dài được gettext ngắt thành nhiều dòng "\n"khi vượt quá bề rộng."\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Đạt"\nmsgstr "Not achieved"\n\n'
        'msgid "Chưa đạt"\nmsgstr "Not achieved"\n',
        encoding="utf-8",
    )
    assert _messages(po, "--untranslated") == ["Một câu dài được gettext ngắt thành nhiều dòng khi vượt quá bề rộng."]
    assert _messages(po, "--only-fuzzy") == ["Đạt"]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-3])
def test_compiled_catalogue_is_current(po, tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(po)], check=True)
    assert compiled.read_bytes() == po.with_suffix(".mo").read_bytes(), "run `make messages`"


def test_vietnamese_catalogue_translates_every_message_to_itself():
    catalogue = polib.pofile(str(LOCALE / "vi" / "LC_MESSAGES" / "django.po"))
    assert len(catalogue) > 0
    differing = [
        e.msgid
        for e in catalogue
        if (e.msgstr_plural.get(0) if e.msgid_plural else e.msgstr) != (e.msgid_plural or e.msgid)
    ]
    assert differing == [], "run `make messages` (scripts/fill_vi_catalogue.py)"


def test_english_catalogue_does_not_copy_the_vietnamese():
    catalogue = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    copied = [e.msgid for e in catalogue if e.msgstr == e.msgid and e.msgid not in SAME_IN_ENGLISH]
    assert copied == []


def test_english_is_really_english():
    with translation.override("en"):
        assert translation.gettext("Đăng nhập") == "Log in"
        assert translation.gettext("Đạt") == "Achieved"
        assert translation.gettext("Chưa giao chỉ tiêu") == "No target set"
        assert translation.pgettext("tên ứng dụng", "Báo cáo") == "Reports"
    with translation.override("vi"):
        assert translation.gettext("Đạt") == "Đạt"
