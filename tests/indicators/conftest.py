# The entry/review/import fixtures live in cast.py; importing them here makes them
# available to every test module of this folder.
from tests.indicators.cast import client_for, world  # noqa: F401 - pytest fixtures
