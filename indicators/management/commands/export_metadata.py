from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from indicators.metadata import dumps, export_metadata


class Command(BaseCommand):
    help = _(
        "Xuất metadata (đơn vị, kế thừa, văn bản, ban chỉ đạo, kỳ, chỉ tiêu, chỉ tiêu giao) ra JSON; "
        "định dạng: docs/metadata-format.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help=_("Tệp JSON để ghi (mặc định: in ra màn hình)."))

    def handle(self, *args, output=None, **options):
        text = dumps(export_metadata())
        if not output:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(_("Không ghi được tệp %(path)s: %(error)s") % {"path": output, "error": exc}) from None
        self.stderr.write(_("Đã xuất metadata ra %(path)s.") % {"path": output})
