from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LogoutView
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.cache import never_cache

from committees.access import navigation_for, scope_roots
from committees.models import Role
from indicators.models import Period

from .security import log_refused


@login_required
def home(request):
    """Send each user where their work is: entry, review or the dashboard."""
    nav = navigation_for(request.user)
    period = Period.objects.halves().filter(is_open=True).order_by("-year", "-half").first()
    if period is None:
        period = Period.objects.halves().order_by("-year", "-half").first()
    if period is not None and not request.user.is_superuser:
        if nav["can_enter"] and not (nav["can_review"] or nav["is_office"] or Role.VIEW in nav["roles"]):
            roots = scope_roots(request.user, [Role.ENTRY])
            if len(roots) == 1:
                return redirect("indicators:entry", unit_code=roots[0].code, period_code=period.code)
        if nav["can_review"]:
            roots = scope_roots(request.user, [Role.REVIEW])
            if len(roots) == 1:
                return redirect("indicators:review", unit_code=roots[0].code, period_code=period.code)
    roots = scope_roots(request.user)
    if period is not None and len(roots) == 1:
        return redirect("reports:dashboard", unit_code=roots[0].code, period_code=period.code)
    return render(request, "home.html", {"roots": roots, "period": period})


@never_cache
def healthz(request):
    """For load balancers: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def help_page(request):
    """ "Hướng dẫn sử dụng": a short guide per role, the user's own roles first."""
    return render(request, "help.html", {"nav": navigation_for(request.user)})


def permission_denied(request, exception):
    """403 with the reason the access helper gave (templates/403.html), logged."""
    log_refused(request, str(exception) or exception.__class__.__name__)
    return defaults.permission_denied(request, exception)


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's): send the SVG."""
    return redirect(static("favicon.svg"), permanent=True)


class LogoutClearingSiteData(LogoutView):
    """Logout that also tells the browser to drop what it kept for offline use.

    static/js/app.js clears the offline copies before logging out; the header does it
    again for a browser where that script did not run, so nothing of this user can be
    read on the device afterwards (issue 15).
    """

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
