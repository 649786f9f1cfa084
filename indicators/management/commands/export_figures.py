import csv

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from indicators import figures_io
from indicators.models import Figure, Period, SubmissionStatus

S = SubmissionStatus


def export_rows(*, period=None, include_drafts=False):
    """(unit_code, indicator_code, period, value, note) in the import format, in a stable order.

    Figures without a value cannot be imported (the importer refuses an empty value), so
    they are left out; the caller is told how many.
    """
    statuses = [S.SUBMITTED, S.APPROVED] + ([S.DRAFT, S.RETURNED] if include_drafts else [])
    figures = Figure.objects.filter(submission__status__in=statuses)
    if period is not None:
        figures = figures.filter(submission__period=period)
    rows = figures.filter(value__isnull=False).values_list(
        "submission__unit__code", "indicator__code", "submission__period__code", "value", "note"
    )
    skipped = figures.filter(value__isnull=True).count()
    return sorted(rows, key=lambda row: (row[2], row[0], row[1])), skipped


class Command(BaseCommand):
    help = _(
        "Xuất số liệu ra tệp CSV (UTF-8) đúng định dạng import_figures đọc "
        "(unit_code,indicator_code,period,value,note): số liệu đã gửi và đã duyệt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help=_("Chỉ xuất một kỳ (ví dụ 2024-H1)"))
        parser.add_argument("--output", help=_("Tệp ghi ra; bỏ trống thì in ra màn hình"))
        parser.add_argument(
            "--include-drafts",
            action="store_true",
            help=_("Xuất cả số liệu nháp và bị trả lại (khi nhập lại chúng sẽ ở trạng thái đã gửi)"),
        )

    def handle(self, *args, **options):
        period = None
        if options["period"]:
            period = Period.objects.filter(code=options["period"]).first()
            if period is None:
                raise CommandError(_("Không có kỳ báo cáo “%(code)s”.") % {"code": options["period"]})
        rows, skipped = export_rows(period=period, include_drafts=options["include_drafts"])
        if options["output"]:
            try:
                with open(options["output"], "w", encoding="utf-8", newline="") as stream:
                    self._write(stream, rows)
            except OSError as exc:
                raise CommandError(
                    _("Không ghi được tệp %(file)s: %(error)s") % {"file": options["output"], "error": exc}
                ) from None
        else:
            self._write(self.stdout, rows)  # csv writes whole lines
        if skipped:
            self.stderr.write(
                _("Bỏ qua %(count)d số liệu chưa có giá trị (tệp nhập không nhận giá trị trống).") % {"count": skipped}
            )
        if options["output"]:
            self.stdout.write(
                _("Đã xuất %(count)d số liệu vào %(file)s.") % {"count": len(rows), "file": options["output"]}
            )

    @staticmethod
    def _write(stream, rows):
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(figures_io.HEADER)
        writer.writerows(rows)
