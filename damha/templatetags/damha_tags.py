from django import template
from django.conf import settings
from django.utils.html import format_html

from damha.assets import VENDOR_ASSETS, asset_url

register = template.Library()


def _fallback(name):
    """From the CDN, the local copy to use when the CDN does not load (an office without
    internet): static/js/vendor-fallback.js swaps it in, with the same SRI hash."""
    if settings.DAMHA_ASSETS == "local":
        return ""
    return format_html(' data-fallback="{}" data-vendor="{}"', asset_url(name, "local"), name)


def _vendor_tag(html, name):
    """``html`` with the asset's URL (CDN or local copy), its SRI hash and the fallback."""
    return format_html(html, asset_url(name, settings.DAMHA_ASSETS), VENDOR_ASSETS[name]["integrity"], _fallback(name))


@register.simple_tag
def vendor_css(name):
    return _vendor_tag('<link rel="stylesheet" href="{}" integrity="{}" crossorigin="anonymous"{}>', name)


@register.simple_tag
def vendor_js(name):
    return _vendor_tag('<script src="{}" integrity="{}" crossorigin="anonymous" defer{}></script>', name)


@register.filter
def minutes(duration):
    """A timedelta as whole minutes (the lockout page: "thử lại sau 15 phút")."""
    return int(duration.total_seconds() // 60)
