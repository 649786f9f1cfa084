"""Placeholder holding only ``rate`` until the lead's roll-up module lands (issue 4 brief).

The lead's ``indicators/rollup.py`` replaces this file; its ``rate`` has the same signature.
"""


def rate(numerator, denominator):
    """numerator / denominator × 100, or None when either is missing or the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return float(numerator) / float(denominator) * 100
