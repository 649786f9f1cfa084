"""Generate a synthetic national data set for benchmarks (docs/performance.md)."""

from django.core.management.base import BaseCommand, CommandError

from indicators.fixtures import scale


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu mẫu quy mô lớn (tỉnh → huyện → xã, chỉ tiêu, chỉ tiêu được giao, báo cáo và số liệu) "
        "để đo hiệu năng. Từ chối chạy trên cơ sở dữ liệu có dữ liệu thật, trừ khi có --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--communes", type=int, required=True, help="Số xã.")
        parser.add_argument("--indicators", type=int, required=True, help="Số chỉ tiêu (mọi loại).")
        parser.add_argument("--years", type=int, required=True, help="Số năm (mỗi năm hai kỳ 6 tháng).")
        parser.add_argument("--seed", type=int, default=1, help="Hạt giống ngẫu nhiên (mặc định 1).")
        parser.add_argument(
            "--force", action="store_true", help="Chạy cả khi cơ sở dữ liệu đã có đơn vị hoặc số liệu thật."
        )

    def handle(self, *args, communes, indicators, years, seed, force, **options):
        if min(communes, indicators, years) < 1:
            raise CommandError("--communes, --indicators và --years phải từ 1 trở lên.")
        try:
            sizes = scale.generate(
                communes=communes,
                indicators=indicators,
                years=years,
                seed=seed,
                force=force,
                log=self.stdout.write,
            )
        except scale.RealDataPresent:
            raise CommandError(
                "Cơ sở dữ liệu đã có đơn vị hành chính hoặc số liệu không do lệnh này sinh ra. "
                "Không ghi gì cả. Dùng --force nếu thật sự muốn sinh thêm dữ liệu mẫu vào đây."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Xong: {sizes.units} đơn vị, {sizes.indicators} chỉ tiêu, {sizes.submissions} báo cáo, "
                f"{sizes.figures} số liệu."
            )
        )
