import pytest

from indicators.fixtures import demo as demo_data


@pytest.fixture
def demo(db):
    """The full Đầm Hà demo (units, committees, targets, figures, demo users)."""
    demo_data.load()
    return demo_data
