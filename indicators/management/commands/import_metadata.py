from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from indicators import figures_io
from indicators.metadata import MetadataError, import_metadata, loads

SECTION_NAMES = {
    "units": _("đơn vị"),
    "successions": _("kế thừa"),
    "plans": _("văn bản"),
    "committees": _("ban chỉ đạo"),
    "members": _("thành viên"),
    "periods": _("kỳ"),
    "indicators": _("chỉ tiêu"),
    "criteria": _("tiêu chí"),
    "targets": _("chỉ tiêu giao"),
}


class Command(BaseCommand):
    help = _(
        "Nhập metadata từ tệp JSON (docs/metadata-format.md). Kiểm tra toàn bộ tệp trước; "
        "có lỗi thì không ghi gì và liệt kê từng lỗi."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("Tệp JSON metadata."))

    def handle(self, *args, file, **options):
        try:
            raw = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(_("Không đọc được tệp %(path)s: %(error)s") % {"path": file, "error": exc}) from None
        try:
            stats = import_metadata(loads(raw))
        except MetadataError as exc:
            lines = [
                _("Tệp %(path)s bị từ chối, không ghi gì (%(count)d lỗi):") % {"path": file, "count": len(exc.errors)}
            ]
            lines += [f"  - {error}" for error in exc.errors[: figures_io.ERRORS_SHOWN]]
            hidden = len(exc.errors) - figures_io.ERRORS_SHOWN
            if hidden > 0:
                lines.append("  " + figures_io.more_errors_text(hidden, figures_io.ERRORS_SHOWN))
            raise CommandError("\n".join(lines)) from None
        self.stdout.write(self.style.SUCCESS(_("Đã nhập metadata từ %(path)s.") % {"path": file}))
        for section, name in SECTION_NAMES.items():
            counts = stats[section]
            if sum(counts.values()):
                self.stdout.write(
                    _("  %(name)s: %(created)d mới, %(updated)d cập nhật, %(unchanged)d không đổi")
                    % {"name": name, **{key: counts[key] for key in ("created", "updated", "unchanged")}}
                )
