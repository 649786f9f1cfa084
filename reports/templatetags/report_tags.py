"""Number formatting for report documents, the same as reports/wording.py everywhere."""

from django import template

from reports import wording

register = template.Library()


@register.filter
def num(value):
    return wording.num(value)


@register.filter
def pct(value):
    return wording.pct(value)


@register.filter
def signed(value):
    return wording.signed(value)
