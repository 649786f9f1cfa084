"""Saving the entry form: a fixed number of queries whatever the number of indicators.

Sizes come from the benchmark generator (indicators/fixtures/scale.py): 7 indicators give a
commune 4 entered ones, 20 give it 15. Every save changes every figure, the worst case.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import AdministrativeUnit, Level, Role
from indicators import services
from indicators.fixtures import scale
from indicators.forms import NOTE_PREFIX, VALUE_PREFIX
from indicators.models import Figure, IndicatorKind, Period, Submission, SubmissionStatus
from tests import factories


def _values(indicators, flip):
    """Two value sets differing in every figure; small, so no jump needs a note, and the
    same for every count, so every rate's numerator ≤ denominator (the built-in rule)."""
    return {
        indicator.code: int(flip) if indicator.kind == IndicatorKind.YES_NO else 2 + int(flip)
        for indicator in indicators
    }


def _save_counts(client, indicators):
    """Queries of three saves through the entry page: all figures new, all changed, one changed."""
    commune = AdministrativeUnit.objects.filter(level=Level.COMMUNE).order_by("code").first()
    period = Period.objects.halves().order_by("-end").first()
    submission = Submission.objects.get(unit=commune, period=period)
    # A draft with no figures yet: the first save creates every figure.
    submission.figures.all().delete()
    Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.DRAFT)
    officer = factories.user(f"nhap{len(indicators)}", (Role.ENTRY, commune))
    client.force_login(officer)
    url = reverse("indicators:entry", args=[commune.code, period.code])

    def post(values, notes=None):
        data = {"version": Submission.objects.get(pk=submission.pk).version, "action": "draft"}
        for code, value in values.items():
            data[VALUE_PREFIX + code] = value
            data[NOTE_PREFIX + code] = (notes or {}).get(code, "")
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        return len(captured.captured_queries)

    # Saved from here on (the delete above left its own "-" rows).
    history = Figure.history.filter(submission_id=submission.pk).exclude(history_type="-")
    first, second = _values(indicators, False), _values(indicators, True)
    counts = {"created": post(first)}
    assert dict(submission.figures.values_list("indicator__code", "value")) == first
    assert history.filter(history_type="+").count() == len(indicators)
    counts["changed"] = post(second)
    assert dict(submission.figures.values_list("indicator__code", "value")) == second
    assert history.filter(history_type="~").count() == len(indicators)
    code = indicators[0].code
    counts["one note"] = post(second, notes={code: "ghi chú"})
    assert submission.figures.get(indicator__code=code).note == "ghi chú"
    assert history.count() == 2 * len(indicators) + 1
    # Every history row names the officer and the action, as a one-by-one save did.
    assert set(history.values_list("history_user__username", "history_change_reason")) == {
        (officer.username, "Lưu nháp")
    }
    return counts


@pytest.mark.django_db
def test_saving_the_entry_form_takes_the_same_queries_whatever_the_number_of_indicators(client):
    scale.generate(communes=11, indicators=7, years=1, log=lambda message: None)
    few = list(services.entered_indicators(Level.COMMUNE))
    small = _save_counts(client, few)

    scale.generate(communes=11, indicators=20, years=1, log=lambda message: None)
    many = list(services.entered_indicators(Level.COMMUNE))
    assert (len(few), len(many)) == (4, 15)
    large = _save_counts(client, many)

    assert large == small, (small, large)
    # Nor with the number of figures a save changes (all of them, or one).
    assert len(set(small.values())) == 1, small
