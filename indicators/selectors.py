"""Read-side functions of the entry, submission and review pages (views fetch, call, render).

Each returns plain data for one screen in a fixed number of queries; none writes.
Workflows that change data are in ``services``; totals over units are in ``rollup``.
"""

import dataclasses
import json

from django.utils.translation import gettext_lazy

from committees.models import AdministrativeUnit

from . import services
from .models import Criterion, Figure, Indicator, IndicatorKind, Submission, SubmissionStatus
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
