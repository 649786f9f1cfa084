import pytest

from reports.fixtures import demo as report_demo


@pytest.fixture
def report_demo_data(demo):
    """The Đầm Hà demo plus the 08/07/2024 conference, its conclusions and its final report."""
    report_demo.load()
    return report_demo
