from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from indicators.fixtures import demo
from reports.fixtures import demo as report_demo


class Command(BaseCommand):
    help = _("Nạp dữ liệu mẫu huyện Đầm Hà 2023–2024 và tài khoản demo (chạy lại không thay đổi gì).")

    def handle(self, *args, **options):
        created = demo.load()
        reports_created = report_demo.load()
        self.stdout.write(
            self.style.SUCCESS(_("Đã nạp dữ liệu mẫu Đầm Hà (%(count)d số liệu mới).") % {"count": created})
        )
        if reports_created:
            self.stdout.write(_("Đã tạo hội nghị ngày 08/7/2024, các kết luận và báo cáo 15/BC-BCĐ (dữ liệu mẫu)."))
        self.stdout.write(
            _("Tài khoản demo (mật khẩu %(password)s, chỉ dùng để thử):") % {"password": demo.DEMO_PASSWORD}
        )
        for username, full_name, _superuser, _roles in demo.USERS:
            self.stdout.write(f"  {username:<17} {full_name}")
