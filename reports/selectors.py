"""Read-side helpers of the reports pages."""

from committees.selectors import unit_fate
from indicators.models import Period


def dashboard_fate(user, unit, period):
    """What the dashboard says about a unit that ended before ``period`` ended, or began
    after it (templates/reports/_unit_fate.html); None for a unit in force (no query).

    ``last_period``: the last half-year the unit was in force at the end of, whose
    dashboard still holds its history.
    """
    fate = unit_fate(user, unit, period.end)
    if fate is not None and fate.ended_on is not None:
        fate.last_period = Period.objects.halves().filter(end__lte=unit.valid_to).order_by("-end").first()
    return fate
