from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils.translation import gettext as _

from indicators import services
from indicators.models import Period


class Command(BaseCommand):
    help = _(
        "Gửi thư nhắc tài khoản nhập liệu của các đơn vị chưa gửi báo cáo, khi còn không quá N ngày "
        "đến hạn nhập của kỳ đang mở (chạy hằng ngày bằng cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help=_("Số ngày trước hạn bắt đầu nhắc (mặc định 3)"))

    def handle(self, *args, **options):
        days = options["days"]
        site = settings.DAMHA_SITE_URL
        sent = 0
        for period in Period.objects.halves().filter(is_open=True, deadline__isnull=False):
            if not services.reminder_due(period, days):
                continue
            for unit in services.units_not_submitted(period=period):
                link = site + reverse("indicators:entry", args=[unit.code, period.code]) if site else ""
                recipients = services.send_reminder(unit=unit, period=period, link=link)
                if recipients:
                    sent += 1
                    self.stdout.write(
                        _("%(period)s · %(unit)s: đã gửi tới %(to)s")
                        % {"period": period.code, "unit": unit.name, "to": ", ".join(recipients)}
                    )
                else:
                    self.stdout.write(
                        _("%(period)s · %(unit)s: không có tài khoản nhập liệu nào có địa chỉ e-mail")
                        % {"period": period.code, "unit": unit.name}
                    )
        self.stdout.write(self.style.SUCCESS(_("Đã gửi nhắc nhở cho %(count)d đơn vị.") % {"count": sent}))
