import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from committees.services import ChangeKind, NewUnit, UnitChangeError, record_change


class Command(BaseCommand):
    help = _(
        "Ghi nhận thay đổi đơn vị hành chính. Ví dụ: record_unit_change merge --date 2025-07-01 "
        '--basis "NQ 1679/NQ-UBTVQH15" --from 06901 06910 --new "06913-2025|Xã Quảng Tân|22" --level commune --kind xã'
    )

    def add_arguments(self, parser):
        parser.add_argument("change", choices=[code for code, _label in ChangeKind.CHOICES])
        parser.add_argument("--date", required=True, help="YYYY-MM-DD")
        parser.add_argument("--basis", default="")
        parser.add_argument("--from", dest="predecessors", nargs="+", required=True)
        parser.add_argument("--new", dest="successors", nargs="*", default=[], help="code|name|parent_code")
        parser.add_argument("--into", dest="existing", default=None)
        parser.add_argument("--level", default=None)
        parser.add_argument("--kind", dest="kind_label", default=None)
        parser.add_argument("--name", dest="new_name", default=None)

    def handle(self, *args, **options):
        try:
            effective_on = datetime.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(
                _("Ngày không hợp lệ: %(value)s (cần YYYY-MM-DD).") % {"value": options["date"]}
            ) from None
        successors = []
        for spec in options["successors"]:
            parts = [p.strip() for p in spec.split("|")]
            if len(parts) < 2:
                raise CommandError(_("Đơn vị mới cần dạng 'mã|tên|mã cấp trên': %(value)s") % {"value": spec})
            successors.append(
                NewUnit(
                    code=parts[0],
                    name=parts[1],
                    parent_code=parts[2] if len(parts) > 2 and parts[2] else None,
                    level=options["level"],
                    kind=options["kind_label"],
                )
            )
        try:
            result = record_change(
                kind=options["change"],
                effective_on=effective_on,
                basis=options["basis"],
                predecessor_codes=options["predecessors"],
                successors=successors,
                existing_successor_code=options["existing"],
                new_name=options["new_name"],
            )
        except UnitChangeError as error:
            raise CommandError("\n".join(error.messages)) from None
        for succession in result.successions:
            self.stdout.write(str(succession))
        for role in result.roles_to_move:
            self.stdout.write(_("Cần chuyển phân quyền: %(role)s") % {"role": role})
        for committee in result.committees_to_move:
            self.stdout.write(_("Cần chuyển ban chỉ đạo: %(committee)s") % {"committee": committee})
        self.stdout.write(self.style.SUCCESS(_("Đã ghi nhận thay đổi.")))
