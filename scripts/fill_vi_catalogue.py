"""Fill the Vietnamese catalogue: every message translates to itself.

The source language of every string is Vietnamese, so in ``locale/vi`` each msgstr is
its msgid. ``makemessages`` leaves new messages empty and may attach a guessed (fuzzy)
translation of a similar message; this script overwrites every entry with its msgid and
clears the fuzzy flags, so the catalogue is complete and exact after each run. Run by
``make messages`` between makemessages and compilemessages; running it twice changes
nothing.

Usage: python scripts/fill_vi_catalogue.py [locale/vi/LC_MESSAGES/django.po ...]
"""

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"

HEADER_COMMENT = (
    "Vietnamese catalogue of the Đầm Hà steering-committee tracker.\n"
    "Vietnamese is the source language: every msgstr is its msgid, written by\n"
    "scripts/fill_vi_catalogue.py (make messages). Do not edit by hand."
)
HEADER = {
    "Project-Id-Version": "damha",
    "Language": "vi",
    "Language-Team": "Vietnamese",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    # Vietnamese has one form; a plural message reads as its msgid_plural.
    "Plural-Forms": "nplurals=1; plural=0;",
}


def fill(path):
    """Make every message of the catalogue at ``path`` its own translation; return how many changed."""
    catalogue = polib.pofile(str(path), wrapwidth=79)
    catalogue.header = HEADER_COMMENT
    catalogue.metadata.update(HEADER)
    catalogue.metadata_is_fuzzy = False
    changed = 0
    for entry in catalogue:
        if entry.obsolete:
            continue
        before = (entry.msgstr, dict(entry.msgstr_plural), list(entry.flags), entry.previous_msgid)
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        if before != (entry.msgstr, dict(entry.msgstr_plural), list(entry.flags), entry.previous_msgid):
            changed += 1
    catalogue.save(str(path))
    # Rewrap the way gettext does, so msgmerge's next pass leaves the file unchanged.
    subprocess.run(["msgcat", "--output-file", str(path), str(path)], check=True)  # noqa: S603, S607 - fixed gettext command on our own file
    return changed


def main(argv):
    paths = [Path(arg) for arg in argv] or [DEFAULT]
    for path in paths:
        if not path.exists():
            sys.exit(f"{path}: no such catalogue (run `make messages`)")
        changed = fill(path)
        print(f"{path}: {changed} message(s) filled with their Vietnamese source")


if __name__ == "__main__":
    main(sys.argv[1:])
