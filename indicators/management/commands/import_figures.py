from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from indicators import figures_io


class Command(BaseCommand):
    help = _(
        "Nhập số liệu từ tệp CSV hoặc XLSX (unit_code,indicator_code,period,value,note) với quyền của một "
        "tài khoản. Có lỗi ở bất kỳ dòng nào thì không ghi gì và trả mã lỗi khác 0."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("Tệp .csv (UTF-8) hoặc .xlsx"))
        parser.add_argument(
            "--user", required=True, help=_("Tên đăng nhập của người nhập (để xét phạm vi và ghi lịch sử)")
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(_("Không có tài khoản đang hoạt động tên “%(user)s”.") % {"user": options["user"]})
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("Không đọc được tệp %(file)s: %(error)s") % {"file": path, "error": exc}) from None
        try:
            result = figures_io.import_file(data, path.name, user, limits=figures_io.COMMAND_LIMITS)
        except figures_io.FiguresFileError as exc:
            for error in exc.shown:
                self.stderr.write(str(error))
            if exc.hidden:
                self.stderr.write(exc.more_text())
            raise CommandError(
                _("Không nhập: tệp có %(count)d lỗi; chưa ghi số liệu nào.") % {"count": len(exc.errors)}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã nhập %(figures)d số liệu vào %(submissions)d báo cáo (trạng thái: đã gửi).")
                % {"figures": result.figures, "submissions": len(result.submissions)}
            )
        )
