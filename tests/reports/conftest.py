"""Fixtures on the demo's final report (report_demo_data, tests/conftest.py) shared by the report tests."""

import pytest
from django.contrib.auth import get_user_model

from reports.models import ReportDocument


@pytest.fixture
def report(report_demo_data):
    """The demo conference's final report, 15/BC-BCĐ of 08/07/2024."""
    return ReportDocument.objects.get(number="15/BC-BCĐ")


@pytest.fixture
def office(report_demo_data):
    """The demo's district office account, which writes and issues the reports."""
    return get_user_model().objects.get(username="vanphong")


@pytest.fixture
def office_client(client, office):
    client.force_login(office)
    return client
