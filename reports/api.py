"""The progress API (DESIGN.md "Progress API"): the roll-up as JSON, field for field."""

import json

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from committees.access import get_unit_for, require_role
from indicators import datacache, rollup
from indicators.selectors import period_in_catalogue


def _target(target):
    if target is None:
        return None
    return {
        "comparison": target.comparison,
        "value": rollup.number(target.value),
        "period": target.period.code,
        "plan": target.plan.number if target.plan else None,
    }


def _coverage(coverage):
    return {"expected": coverage.expected, "reported": coverage.reported, "approved": coverage.approved}


def progress_payload(progress):
    unit, period = progress.unit, progress.period
    return {
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "period": {"code": period.code, "start": period.start.isoformat(), "end": period.end.isoformat()},
        "completeness": {
            "expected": progress.completeness.expected,
            "submitted": progress.completeness.submitted,
            "approved": progress.completeness.approved,
        },
        "rows": [
            {
                "indicator": row.indicator.code,
                "name": row.indicator.name,
                "measure": row.indicator.measure,
                "kind": row.indicator.kind,
                "actual": row.actual,
                "numerator": row.numerator,
                "denominator": row.denominator,
                "cumulative": row.cumulative,
                "cumulative_last_year": row.cumulative_last_year,
                "same_period_last_year": row.same_period_last_year,
                "change": row.change,
                "target": _target(row.target),
                "percent": row.percent,
                "status": row.status,
                "coverage": _coverage(row.coverage),
                "children": [
                    {
                        "unit": child.unit.code,
                        "name": child.unit.name,
                        "actual": child.actual,
                        "status": child.status,
                        "coverage": _coverage(child.coverage),
                    }
                    for child in row.children
                ],
            }
            for row in progress.rows
        ],
    }


def _error(status, message):
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


@require_GET
def progress(request, unit_code, period_code):
    if not request.user.is_authenticated:
        return _error(401, _("Cần đăng nhập."))

    def answer():
        unit = get_unit_for(request.user, unit_code)  # 404 / 403 before any work
        periods, period = period_in_catalogue(period_code)
        return unit, progress_json(unit, period, periods)

    try:
        # As the dashboard (reports.views.dashboard): keyed by the codes, the access
        # check on the cached unit. The JSON holds no translated text: one copy per unit,
        # period and data version.
        unit, body = datacache.cached(("api", unit_code, period_code), answer, units=[unit_code], period=period_code)
        require_role(request.user, unit)
    except Http404:
        return _error(404, _("Không tìm thấy đơn vị hoặc kỳ báo cáo."))
    except PermissionDenied as denied:
        reason = str(denied) or _("Không có quyền xem đơn vị này.")
        response = _error(403, reason)
        response.refused_reason = reason  # logged by damha.middleware.RefusalLogMiddleware
        return response
    return HttpResponse(body, content_type="application/json")


def progress_json(unit, period, periods=None):
    """``periods``: every period, when loaded already (selectors.period_in_catalogue)."""
    payload = progress_payload(rollup.progress(unit, period, periods=periods))
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
