from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from indicators import demo


class Command(BaseCommand):
    help = _("Nạp dữ liệu mẫu huyện Đầm Hà 2023–2024 và tài khoản demo (chạy lại không thay đổi gì).")

    def handle(self, *args, **options):
        created = demo.load()
        self.stdout.write(
            self.style.SUCCESS(_("Đã nạp dữ liệu mẫu Đầm Hà (%(count)d số liệu mới).") % {"count": created})
        )
        self.stdout.write(
            _("Tài khoản demo (mật khẩu %(password)s, chỉ dùng để thử):") % {"password": demo.DEMO_PASSWORD}
        )
        for username, full_name, _superuser, _roles in demo.USERS:
            self.stdout.write(f"  {username:<17} {full_name}")
