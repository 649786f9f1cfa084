"""What a report document says: its texts and tables as one plain, JSON-ready dict.

Every output (PDF, DOCX, XLSX, the print view) renders this dict and nothing else. For a
draft it is built from the live roll-up; for a final report it is the stored snapshot,
so a printed report never changes after finalising. The content hash is the SHA-256 of
the canonical JSON (sorted keys, UTF-8, no spaces) of the dict.
"""

import datetime
import functools
import hashlib
import json

from django.utils import translation
from django.utils.translation import gettext as _

from committees.models import Conclusion, Meeting
from indicators import rollup
from indicators.models import Indicator

from . import wording
from .models import SECTION_FIELDS

FORMAT_VERSION = 2  # 2: "sample", "appendix" and the table's "Đánh giá" column (issue 16)
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
# The report is an official Vietnamese document: its texts stay Vietnamese whatever
# language the user reads the site in (and its content hash does not depend on it).
OFFICIAL_LANGUAGE = "vi"


def in_official_language(func):
    """Run ``func`` with Vietnamese active, so its gettext calls give the document's wording."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(OFFICIAL_LANGUAGE):
            return func(*args, **kwargs)

    return wrapper


def section_titles():
    return {
        "situation": _("I. TÌNH HÌNH"),
        "results": _("II. KẾT QUẢ THỰC HIỆN"),
        "assessment": _("III. ĐÁNH GIÁ"),
        "directions": _("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ"),
        "proposals": _("V. ĐỀ XUẤT, KIẾN NGHỊ"),
    }


def table_columns(period):
    result = _("Kết quả 6 tháng") if period.is_half else _("Kết quả năm")
    return [
        _("Chỉ tiêu"),
        _("ĐVT"),
        _("Giao năm"),
        result,
        _("Cùng kỳ"),
        _("Tăng/giảm"),
        _("% đạt"),
        _("Đánh giá"),
    ]


def short_date(day):
    """ "08/7/2024": the date of a cited document, with Decree 30's leading zeros (days below
    10, months 1 and 2)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}/{month}/{day.year}"


def issuer_in_sentence(issuing_body):
    """ "BAN CHỈ ĐẠO 138" → "Ban Chỉ đạo 138", as a body is named inside a sentence."""
    text = " ".join(issuing_body.split())
    if text.upper().startswith("BAN CHỈ ĐẠO"):
        return "Ban Chỉ đạo" + text[len("BAN CHỈ ĐẠO") :]
    return text[:1].upper() + text[1:].lower()


def appendix(report):
    """The appendix's heading: "Phụ lục" on its own line, its title, and what it is attached to."""
    number = report.number or "…"
    return {
        "label": _("Phụ lục"),
        "title": _("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU %(period)s") % {"period": str(report.period.label).upper()},
        "note": _("(Kèm theo Báo cáo số %(number)s ngày %(day)s của %(issuer)s)")
        % {"number": number, "day": short_date(report.issued_on), "issuer": issuer_in_sentence(report.issuing_body)},
        "reference": _("Kết quả thực hiện từng chỉ tiêu chi tiết tại Phụ lục kèm theo Báo cáo này."),
    }


CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def verification_code(content_hash):
    """The short code printed on an issued report ("Mã xác thực"): 60 bits of its content
    hash in Crockford's base 32, e.g. "K3QF-9T2M-XW4A"; /verify/ looks reports up by it."""
    if not content_hash:
        return ""
    number = int(content_hash[:15], 16)
    chars = "".join(CROCKFORD[(number >> shift) & 31] for shift in range(55, -1, -5))
    return "-".join(chars[i : i + 4] for i in range(0, 12, 4))


def normalise_code(text):
    """What a person typed, as a code: case, spaces and dashes ignored; O→0, I/L→1."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(cleaned) != 12 or any(ch not in CROCKFORD for ch in cleaned):
        return ""
    return "-".join(cleaned[i : i + 4] for i in range(0, 12, 4))


def for_rendering(content):
    """The content with the keys that reports issued before issue 16 lack filled in, so
    every renderer can rely on them (their snapshot itself is never changed)."""
    if "appendix" in content:
        return content
    content = {**content, "sample": False}
    title = content["table"]["title"].split(": ", 1)[-1]
    content["appendix"] = {"label": _("Phụ lục"), "title": title, "note": "", "reference": ""}
    return content


def committees_of(report):
    """The committees a report speaks for: the meeting's (a joint conference has two)."""
    if report.meeting_id:
        committees = list(report.meeting.committees.all())
        if committees:
            return committees
    return [report.committee]


def report_progress(report):
    """The roll-up for the report's unit and period, limited to its committees' indicators."""
    committee_ids = [c.pk for c in committees_of(report)]
    indicators = list(Indicator.objects.for_display().filter(committee__in=committee_ids))
    return rollup.progress(report.unit, report.period, indicators=indicators)


# Numbers in a snapshot are JSON numbers, stable across databases (floats rounded to 6 places).
SNAPSHOT_DIGITS = 6


def _snapshot_number(value):
    return rollup.number(value, SNAPSHOT_DIGITS)


def table_rows(progress):
    rows = []
    for row in progress.rows:
        target = row.target
        rows.append(
            {
                "indicator": row.indicator.code,
                "name": row.indicator.name,
                "measure": row.indicator.measure,
                "section": row.indicator.section,
                "target": _snapshot_number(target.value) if target else None,
                "comparison": target.comparison if target else None,
                "target_text": wording.target_short(target),
                "actual": _snapshot_number(row.actual),
                "cumulative": _snapshot_number(row.cumulative),
                "last_year": _snapshot_number(row.same_period_last_year),
                "change": _snapshot_number(row.change),
                "percent": _snapshot_number(row.percent),
                "status": row.status,
                "status_label": wording.status_label(row.status),
            }
        )
    return rows


def result_sentences(progress):
    """The draft lines of section II (reports/wording.py ``result_lines``)."""
    return wording.result_lines(progress)


def previous_meeting(report):
    """The latest meeting of the report's committees before this report's meeting (or date)."""
    day = report.meeting.held_on if report.meeting_id else report.issued_on
    committee_ids = [c.pk for c in committees_of(report)]
    found = (
        Meeting.objects.filter(committees__in=committee_ids, held_on__lt=day)
        .distinct()
        .order_by("-held_on", "-id")
        .first()
    )
    return found


def conclusion_rows(meeting, today):
    conclusions = Conclusion.objects.filter(meeting=meeting).order_by("order", "id") if meeting else []
    return [
        {
            "order": position,
            "text": conclusion.text,
            "owner": conclusion.owner,
            "due_on": conclusion.due_on.isoformat() if conclusion.due_on else None,
            "due_text": conclusion.due_on.strftime("%d/%m/%Y") if conclusion.due_on else "",
            "status": conclusion.status_key(today),
            "status_label": conclusion.status_label(today),
            "follow_up": conclusion.follow_up,
        }
        for position, conclusion in enumerate(conclusions, start=1)
    ]


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@in_official_language
def build_content(report, *, today=None):
    """The document as it reads now (drafts; and the snapshot taken when finalising)."""
    today = today or datetime.date.today()
    progress = report_progress(report)
    titles = section_titles()
    previous = previous_meeting(report)
    meeting = report.meeting
    return {
        "format": FORMAT_VERSION,
        "sample": report.sample_data,
        "document": {
            "id": report.pk,
            "version": report.version,
            "corrects": report.corrects.number if report.corrects_id else None,
            "corrects_version": report.corrects.version if report.corrects_id else None,
        },
        "unit": {"code": report.unit.code, "name": report.unit.name},
        "period": {"code": report.period.code, "label": str(report.period.label)},
        "header": {
            "parent_body": report.parent_body,
            "issuing_body": report.issuing_body,
            "number": report.number,
            "number_line": _("Số: %(number)s") % {"number": report.number or "…/BC-BCĐ"},
            "national_name": NATIONAL_NAME,
            "motto": MOTTO,
            "place_date": wording.place_date_line(report.place, report.issued_on),
            "issued_on": report.issued_on.isoformat(),
        },
        "doc_type": _("BÁO CÁO"),
        "subject": report.subject,
        "meeting": None
        if meeting is None
        else {
            "title": meeting.title,
            "held_on": meeting.held_on.isoformat(),
            "place": meeting.place,
            "chair": meeting.chair_text,
        },
        "sections": [
            {"key": key, "title": titles[key], "paragraphs": _lines(getattr(report, key))} for key in SECTION_FIELDS
        ],
        "appendix": appendix(report),
        "table": {
            "title": _("PHỤ LỤC: KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU %(period)s")
            % {"period": str(report.period.label).upper()},
            "columns": table_columns(report.period),
            "rows": table_rows(progress),
            "completeness": {
                "expected": progress.completeness.expected,
                "submitted": progress.completeness.submitted,
                "approved": progress.completeness.approved,
            },
        },
        "previous_conclusions": {
            "title": _("Tình hình thực hiện kết luận của %(meeting)s ngày %(day)s")
            % {"meeting": previous.title[:1].lower() + previous.title[1:], "day": previous.held_on.strftime("%d/%m/%Y")}
            if previous
            else "",
            "columns": [_("TT"), _("Nội dung kết luận"), _("Chủ trì thực hiện"), _("Thời hạn"), _("Tình trạng")],
            "rows": conclusion_rows(previous, today),
            "as_of": today.isoformat(),
        },
        "recipients": {"title": _("Nơi nhận:"), "lines": _lines(report.recipients)},
        "signature": {"authority": _lines(report.signature_authority), "name": report.signer_name},
    }


def canonical_bytes(content):
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
        "utf-8"
    )


def content_hash(content):
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def content_for(report):
    """What every export renders: the frozen snapshot when final, else the live content."""
    if report.is_final:
        return for_rendering(report.snapshot)
    return build_content(report)
