"""Infrastructure views: health check, the 403 handler (logged), the favicon redirect."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.cache import never_cache


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


def permission_denied(request, exception):
    """403 with the reason the access helper gave (templates/403.html), logged by
    RefusalLogMiddleware."""
    response = defaults.permission_denied(request, exception)
    response.refused_reason = str(exception) or exception.__class__.__name__
    return response


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's): send the SVG."""
    return redirect(static("favicon.svg"), permanent=True)
