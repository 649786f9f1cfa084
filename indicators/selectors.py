"""Read-side functions of the entry, submission and review pages (views fetch, call, render).

Each returns plain data for one screen in a fixed number of queries; none writes.
Workflows that change data are in ``services``; totals over units are in ``rollup``.
"""

import dataclasses
import json

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from committees.models import AdministrativeUnit

from . import services, validation
from .models import (
    COUNTED_STATUSES,
    Attachment,
    Criterion,
    Figure,
    Indicator,
    IndicatorKind,
    Period,
    Submission,
    SubmissionStatus,
    Target,
)
from .rollup import rate

S = SubmissionStatus

# State of a unit that has no submission yet, and how each state is shown.
NOT_STARTED = "not_started"
STATE_LABELS = {NOT_STARTED: gettext_lazy("Chưa nhập"), **dict(SubmissionStatus.choices)}
STATE_BADGES = {
    NOT_STARTED: "text-bg-secondary",
    S.DRAFT: "text-bg-light border",
    S.SUBMITTED: "text-bg-primary",
    S.APPROVED: "text-bg-success",
    S.RETURNED: "text-bg-danger",
}


def period_in_catalogue(code):
    """(every period, the one with ``code``): 404 when there is none.

    The catalogue is small (two halves and a year per year), so the dashboard and the API
    read it whole: the period switcher lists it, and the roll-up takes P's year and the
    year before from it (rollup.progress(periods=…)) instead of two queries of their own.
    Ordered as the switcher lists them: latest year first, its halves, then the year.
    """
    periods = list(Period.objects.order_by("-year", "half"))
    for period in periods:
        if period.code == code:
            return periods, period
    raise Http404(code)


def own_figures(unit, codes):
    """{period code: {indicator_id: value}} of the unit's submitted/approved figures (1 query)."""
    result = {code: {} for code in codes}
    rows = Figure.objects.filter(
        submission__unit=unit, submission__period__code__in=codes, submission__status__in=(S.SUBMITTED, S.APPROVED)
    ).values_list("submission__period__code", "indicator_id", "value")
    for code, indicator_id, value in rows:
        result[code][indicator_id] = value
    return result


def computed(level, values):
    """Rates and statuses derivable from one unit's own figures at ``level``, with their values.

    Rates use the roll-up's ``rate``; a status holds when every criterion holds on the
    unit's figures (``Criterion.all_hold``, as in DESIGN.md).
    """
    rows = []
    rates = Indicator.objects.filter(
        kind=IndicatorKind.RATE, numerator__entry_level=level, denominator__entry_level=level
    ).select_related("numerator", "denominator")
    for indicator in rates:
        value = rate(values.get(indicator.numerator_id), values.get(indicator.denominator_id))
        rows.append({"indicator": indicator, "value": value, "kind": "rate"})
    statuses = Indicator.objects.filter(kind=IndicatorKind.STATUS, entry_level=level).prefetch_related(
        "criteria__indicator"
    )
    for indicator in statuses:
        criteria = list(indicator.criteria.all())
        if not criteria or any(criterion.indicator.entry_level != level for criterion in criteria):
            continue
        rows.append(
            {
                "indicator": indicator,
                "value": Criterion.all_hold(criteria, values) if values else None,
                "kind": "status",
                "criteria": criteria,
                # For static/js/entry.js, which re-judges the status as the officer types.
                "criteria_json": json.dumps(
                    [{"code": c.indicator.code, "comparison": c.comparison, "value": float(c.value)} for c in criteria]
                ),
            }
        )
    return rows


def sections(indicators, computed_rows, form=None, previous=None, last_year=None, current=None):
    """[(section, [row])] in report order; entered and computed indicators together."""
    previous, last_year, current = previous or {}, last_year or {}, current or {}
    rows = []
    for indicator in indicators:
        rows.append(
            {
                "indicator": indicator,
                "entered": True,
                "value_field": form.value_field(indicator) if form else None,
                "note_field": form.note_field(indicator) if form else None,
                "previous": previous.get(indicator.pk),
                "last_year": last_year.get(indicator.pk),
                "current": current.get(indicator.pk),
            }
        )
    for row in computed_rows:
        rows.append({**row, "entered": False})
    rows.sort(key=lambda row: (row["indicator"].section, row["indicator"].order, row["indicator"].code))
    grouped = []
    for row in rows:
        if not grouped or grouped[-1][0] != row["indicator"].section:
            grouped.append((row["indicator"].section, []))
        grouped[-1][1].append(row)
    return grouped


@dataclasses.dataclass
class UnitReport:
    """One unit's report for one half-year, as the entry and submission pages read it."""

    unit: AdministrativeUnit
    period: Period
    submission: Submission | None
    indicators: list
    figures: dict  # {indicator_id: Figure}
    previous_code: str
    last_year_code: str
    previous: dict  # {indicator_id: value} of the previous half-year (submitted or approved)
    last_year: dict  # the same period last year

    @property
    def state(self):
        return self.submission.status if self.submission else NOT_STARTED

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def state_badge(self):
        return STATE_BADGES[self.state]

    @property
    def version(self):
        return self.submission.version if self.submission else 0

    @property
    def values(self):
        """{indicator_id: value} of the figures that hold a value."""
        return {pk: figure.value for pk, figure in self.figures.items() if figure.value is not None}

    def initial(self):
        """The entry form's initial data: the version and each figure's value and note."""
        initial = {"version": self.version}
        for indicator in self.indicators:
            figure = self.figures.get(indicator.pk)
            if figure is not None:
                initial["v_" + indicator.code] = figure.value
                initial["n_" + indicator.code] = figure.note
        return initial

    def check(self):
        """What the validation rules and the outlier check say about the saved figures (3 queries)."""
        return check_figures(unit=self.unit, period=self.period, indicators=self.indicators, figures=self.figures)

    def sections(self, form=None, *, with_history=True):
        """The page's sections; the computed rates and statuses from the saved values."""
        values = self.values
        return sections(
            self.indicators,
            computed(self.unit.level, values),
            form=form,
            previous=self.previous if with_history else None,
            last_year=self.last_year if with_history else None,
            current=values,
        )


def unit_report(unit, period):
    """The unit's submission, figures and history for ``period`` (5 queries)."""
    submission = (
        Submission.objects.select_related("approved_by", "submitted_by", "updated_by")
        .filter(unit=unit, period=period)
        .first()
    )
    codes = [period.previous_half_code(), period.same_period_last_year_code()]
    history = own_figures(unit, codes)
    return UnitReport(
        unit=unit,
        period=period,
        submission=submission,
        indicators=list(services.entered_indicators(unit.level)),
        figures={} if submission is None else {figure.indicator_id: figure for figure in submission.figures.all()},
        previous_code=codes[0],
        last_year_code=codes[1],
        previous=history[codes[0]],
        last_year=history[codes[1]],
    )


def review_rows(unit, period):
    """The unit (when figures are entered at its level) and its child units valid at the end
    of the period, each with its submission for the period (3 queries whatever the count)."""
    levels = Indicator.objects.reporting_levels()
    children = list(AdministrativeUnit.objects.valid_on(period.end).filter(parent=unit).order_by("code"))
    units = ([unit] if unit.level in levels and unit.is_valid_on(period.end) else []) + [
        child for child in children if child.level in levels
    ]
    submissions = {
        submission.unit_id: submission
        for submission in Submission.objects.filter(period=period, unit__in=units).select_related(
            "submitted_by", "approved_by", "updated_by"
        )
    }
    rows = []
    for each in units:
        submission = submissions.get(each.pk)
        state = submission.status if submission else NOT_STARTED
        rows.append(
            {
                "unit": each,
                "own": each.pk == unit.pk,
                "submission": submission,
                "state": state,
                "label": STATE_LABELS[state],
                "badge": STATE_BADGES[state],
                "remind": state in (NOT_STARTED, S.DRAFT, S.RETURNED),
            }
        )
    return rows


def review_summary(rows):
    """[(label, badge, count)] of the review list's states, every state listed."""
    counts = dict.fromkeys(STATE_LABELS, 0)
    for row in rows:
        counts[row["state"]] += 1
    return [(STATE_LABELS[state], STATE_BADGES[state], count) for state, count in counts.items()]


# --- Validation rules and outliers (indicators/validation.py) on saved figures -----------------


def recent_history_many(units, period, *, halves=validation.HISTORY_HALVES):
    """{unit id: {indicator code: [value, …]}}: the units' submitted or approved figures in
    the last ``halves`` half-years before ``period``, oldest first (1 query). The outlier
    limits of indicators/validation.py are derived from it."""
    before = Period.objects.halves().filter(end__lt=period.start).order_by("-end").values("pk")[:halves]
    rows = (
        Figure.objects.filter(
            submission__unit__in=units, submission__status__in=COUNTED_STATUSES, submission__period__in=before
        )
        .order_by("submission__period__end")
        .values_list("submission__unit_id", "indicator__code", "value")
    )
    history = {unit.pk: {} for unit in units}
    for unit_id, code, value in rows:
        history[unit_id].setdefault(code, []).append(value)
    return history


def recent_history(unit, period):
    return recent_history_many([unit], period)[unit.pk]


def check_figures(*, unit, period, indicators, figures, rules=None, history=None):
    """What the rules and the outlier check say about ``figures`` ({indicator id: Figure})."""
    by_id = {indicator.pk: indicator for indicator in indicators}
    saved = {by_id[pk].code: figure for pk, figure in figures.items() if pk in by_id}
    return validation.check(
        indicators=indicators,
        rules=validation.rules_for(indicators) if rules is None else rules,
        values={code: figure.value for code, figure in saved.items()},
        notes={code: figure.note for code, figure in saved.items()},
        history=recent_history(unit, period) if history is None else history,
    )


def follow_ups(*, reports, period):
    """The reviewer's follow-up list for ``period``: every flag (warnings, outliers, and
    errors written before a rule existed) in the units' submitted or approved reports, with
    the unit and the note given (if any). ``reports``: [(unit, submission)].

    A fixed number of queries whatever the number of units: the figures (1), the history
    (1), the indicators and the rules (3 per entry level)."""
    counted = [(unit, s) for unit, s in reports if s is not None and s.status in COUNTED_STATUSES]
    if not counted:
        return []
    figures = {}
    for figure in Figure.objects.filter(submission__in=[s for _unit, s in counted]):
        figures.setdefault(figure.submission_id, {})[figure.indicator_id] = figure
    history = recent_history_many([unit for unit, _s in counted], period)
    levels = sorted({unit.level for unit, _s in counted})
    indicators_by_level = {level: list(services.entered_indicators(level)) for level in levels}
    rules = {level: validation.rules_for(indicators) for level, indicators in indicators_by_level.items()}
    items = []
    for unit, submission in counted:
        result = check_figures(
            unit=unit,
            period=period,
            indicators=indicators_by_level.get(unit.level, []),
            figures=figures.get(submission.pk, {}),
            rules=rules.get(unit.level, []),
            history=history[unit.pk],
        )
        for violation in result.errors + result.warnings:
            notes = [result.notes[code] for code in violation.codes if result.notes.get(code)]
            items.append(
                {
                    "unit": unit,
                    "kind": violation.rule.severity,
                    "message": violation.message(result.names),
                    "note": "; ".join(notes),
                }
            )
        for outlier in result.outliers:
            items.append(
                {
                    "unit": unit,
                    "kind": "outlier",
                    "message": outlier.message(result.names),
                    "note": result.notes.get(outlier.code, ""),
                }
            )
    return items


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


# --- Entry that never loses a figure (issue 15) -----------------------------------------------


def deadline_countdown(window, today=None):
    """What the entry header says beside the period: "còn 3 ngày", "hôm nay là hạn cuối"…

    ``window``: the unit's entry window (services.entry_window: its own deadline and
    opening) or a Period. None when there is no deadline or entry is closed (the header
    says "Kỳ đã khóa").
    ``urgent`` marks the last three days and an overdue deadline.
    """
    if window.deadline is None or not window.is_open:
        return None
    days = (window.deadline - (today or timezone.localdate())).days
    if days > 0:
        text = ngettext("còn %(days)d ngày", "còn %(days)d ngày", days) % {"days": days}
    elif days == 0:
        text = gettext("hôm nay là hạn cuối")
    else:
        text = ngettext("đã quá hạn %(days)d ngày", "đã quá hạn %(days)d ngày", -days) % {"days": -days}
    return {"days": days, "text": text, "urgent": days <= 3}


def attachments_of(submission):
    """The submission's attachments, oldest first, with who uploaded them (1 query)."""
    if submission is None:
        return []
    return list(Attachment.objects.filter(submission=submission).select_related("uploaded_by"))
