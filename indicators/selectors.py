"""Read-side functions of the indicators app."""

from django.utils.translation import gettext as _

from .models import Submission, SubmissionStatus, Target


def unit_change_impact(units, effective_on):
    """What a unit change leaves behind on ``units`` (they end the day before ``effective_on``):
    their targets and their not yet approved submissions for periods that end on or after
    the change — a unit not in force at a period's end is neither judged nor counted then
    (DESIGN.md, roll-up semantics). Shown in the guided unit-change form's preview."""
    targets = (
        Target.objects.filter(unit__in=units, period__end__gte=effective_on)
        .select_related("indicator", "unit", "period")
        .order_by("period__year", "period__half", "unit__code", "indicator__order")
    )
    submissions = (
        Submission.objects.filter(unit__in=units, period__end__gte=effective_on)
        .exclude(status=SubmissionStatus.APPROVED)
        .select_related("unit", "period")
        .order_by("period__year", "period__half", "unit__code")
    )
    impact = []
    lines = [
        f"{t.period.code} · {t.unit.name} · {t.indicator.name}: {t.get_comparison_display()} {t.value.normalize():f}"
        for t in targets
    ]
    if lines:
        impact.append(
            (
                _(
                    "Chỉ tiêu của đơn vị cũ cho kỳ kết thúc sau ngày thay đổi (không còn áp dụng: giao lại cho đơn vị mới)"
                ),
                lines,
            )
        )
    lines = [f"{s.period.code} · {s.unit.name} · {s.get_status_display()}" for s in submissions]
    if lines:
        impact.append(
            (_("Báo cáo chưa duyệt của đơn vị cũ cho kỳ kết thúc sau ngày thay đổi (sẽ không được tính)"), lines)
        )
    return impact
