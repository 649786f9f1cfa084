"""Figures backup round trip (issue 9, point 7): export → wipe → import_figures → export."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.models import Figure, Submission, SubmissionStatus

S = SubmissionStatus


def _export(tmp_path, name, *args):
    path = tmp_path / name
    out, err = io.StringIO(), io.StringIO()
    call_command("export_figures", "--output", str(path), *args, stdout=out, stderr=err)
    return path, out.getvalue(), err.getvalue()


def test_round_trip_loses_nothing(demo, tmp_path):
    sent = sorted(
        Figure.objects.filter(submission__status__in=(S.SUBMITTED, S.APPROVED), value__isnull=False).values_list(
            "submission__unit__code", "indicator__code", "submission__period__code", "value", "note"
        )
    )
    first, out, err = _export(tmp_path, "truoc.csv")
    lines = first.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "unit_code,indicator_code,period,value,note"
    assert len(lines) - 1 == len(sent) > 0
    assert f"Đã xuất {len(sent)} số liệu" in out
    assert err == ""

    Submission.objects.all().delete()  # figures go with them (cascade)
    assert Figure.objects.count() == 0

    call_command("import_figures", str(first), "--user", "admin", stdout=io.StringIO())
    second, _out, _err = _export(tmp_path, "sau.csv")
    assert second.read_bytes() == first.read_bytes()
    after = sorted(
        Figure.objects.values_list(
            "submission__unit__code", "indicator__code", "submission__period__code", "value", "note"
        )
    )
    assert after == sent
    # Imported figures arrive as submitted (the contract of import_figures).
    assert set(Submission.objects.values_list("status", flat=True)) == {S.SUBMITTED}


def test_export_of_one_period_with_drafts(demo, tmp_path):
    path, _out, _err = _export(tmp_path, "h2.csv", "--period", "2024-H2", "--include-drafts")
    rows = path.read_text(encoding="utf-8").splitlines()[1:]
    expected = Figure.objects.filter(submission__period__code="2024-H2", value__isnull=False).count()
    assert len(rows) == expected > 0
    assert {row.split(",")[2] for row in rows} == {"2024-H2"}
    only_sent, _out, _err = _export(tmp_path, "h2-sent.csv", "--period", "2024-H2")
    drafts = Figure.objects.filter(submission__period__code="2024-H2", submission__status=S.DRAFT).count()
    assert drafts > 0
    assert len(only_sent.read_text(encoding="utf-8").splitlines()) - 1 == expected - drafts


def test_unknown_period_is_refused(demo, tmp_path):
    with pytest.raises(CommandError, match="Không có kỳ báo cáo “2099-H9”"):
        call_command("export_figures", "--period", "2099-H9", "--output", str(tmp_path / "x.csv"))
    assert not (tmp_path / "x.csv").exists()


def test_backup_keeps_a_formula_like_note_byte_for_byte(demo, tmp_path):
    """The CSV backup is for import_figures, not for people: a note that looks like a formula
    is written as typed (no quote prefix, which would change it on the way back), so the
    round trip stays byte-identical (docs/security.md, finding 2)."""
    note = '=HYPERLINK("http://evil.example/note","Bấm note")'
    figure = Figure.objects.filter(submission__status=S.APPROVED).order_by("pk").first()
    figure.note = note
    figure.save()
    first, _out, _err = _export(tmp_path, "truoc.csv")
    assert '"=HYPERLINK(""http://evil.example/note"",""Bấm note"")"' in first.read_text(encoding="utf-8")
    Submission.objects.all().delete()
    call_command("import_figures", str(first), "--user", "admin", stdout=io.StringIO())
    second, _out, _err = _export(tmp_path, "sau.csv")
    assert second.read_bytes() == first.read_bytes()
    assert Figure.objects.filter(note=note).count() == 1
