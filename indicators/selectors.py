"""Read-side helpers of the entry, review and submission pages (fetch; no writes)."""

from . import validation
from .models import COUNTED_STATUSES, Figure, Period


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


def follow_ups(*, reports, period, indicators_by_level):
    """The reviewer's follow-up list for ``period``: every flag (warnings, outliers, and
    errors written before a rule existed) in the units' submitted or approved reports, with
    the unit and the note given (if any). ``reports``: [(unit, submission)].

    A fixed number of queries whatever the number of units: the figures (1), the history
    (1), the rules (2 per entry level)."""
    counted = [(unit, s) for unit, s in reports if s is not None and s.status in COUNTED_STATUSES]
    if not counted:
        return []
    figures = {}
    for figure in Figure.objects.filter(submission__in=[s for _unit, s in counted]):
        figures.setdefault(figure.submission_id, {})[figure.indicator_id] = figure
    history = recent_history_many([unit for unit, _s in counted], period)
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
