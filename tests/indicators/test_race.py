"""Two editors of one submission at the same moment (issue 9, point 5): exactly one save
wins, the other is told its version is stale, nothing is overwritten.

On PostgreSQL the two saves run in two threads released together (the row lock of
``save_figures`` decides); SQLite has one writer at a time, so there they run one after
the other, which is the same race decided the same way.
"""

import threading

import pytest
from django.db import connection

from indicators import services
from indicators.models import Figure, Submission

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_editors_one_wins_the_other_is_told(world):
    submission = services.save_figures(
        user=world.officer_a, unit=world.a, period=world.h2, values={"VU": (1, "")}, version=0
    )
    seen = submission.version
    outcomes = {}
    barrier = threading.Barrier(2)
    serial = threading.Lock() if connection.vendor == "sqlite" else None

    def editor(name, value):
        try:
            barrier.wait(timeout=10)
            if serial:
                serial.acquire()
            try:
                services.save_figures(
                    user=world.officer_a, unit=world.a, period=world.h2, values={"VU": (value, name)}, version=seen
                )
                outcomes[name] = ("saved", value)
            except services.StaleVersionError as exc:
                outcomes[name] = ("stale", exc.message)
            finally:
                if serial:
                    serial.release()
        finally:
            connection.close()

    threads = [threading.Thread(target=editor, args=(name, value)) for name, value in (("A", 7), ("B", 9))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    kinds = sorted(kind for kind, _detail in outcomes.values())
    assert kinds == ["saved", "stale"]
    winner = next(name for name, (kind, _d) in outcomes.items() if kind == "saved")
    loser = next(name for name, (kind, _d) in outcomes.items() if kind == "stale")
    assert "trong khi bạn đang nhập, nên chưa lưu gì" in outcomes[loser][1]
    figure = Figure.objects.get(submission__unit=world.a, submission__period=world.h2, indicator__code="VU")
    assert (figure.value, figure.note) == (outcomes[winner][1], winner)
    assert Submission.objects.get(pk=submission.pk).version == seen + 1
    assert Figure.history.filter(id=figure.pk).count() == 2  # the first save and the winner's
