"""Who may use every URL of the project (issue 9, point 3).

The table ``EXPECTED`` names every URL pattern of the project. ``test_every_pattern_is_in_the_table``
walks ``get_resolver().url_patterns`` recursively: a new pattern that the table does not
know fails it, so no future page can slip through unchecked. Admin patterns are checked
as one group: every one of them requires staff.

``test_who_may_use_what`` requests every pattern, GET and POST, as the fixed cast on the
Đầm Hà demo. Unit-scoped pages are asked for Xã Đầm Hà (06916): its commune officer is in
scope, the Quảng Tân officer (06913) is not. Report documents and meetings belong to the
district (200), so both commune officers are out of their scope.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from committees.models import Conclusion, Meeting, Plan
from indicators.models import Attachment, Figure, Submission
from reports.models import ReportDocument
from tests.cast import DEMO_CAST

LOGIN = "login"  # 302 to /accounts/login/?next=…
OK_ANY = "ok"  # any non-error answer (200, 204 or a redirect)
STAFF = "staff"  # 302 to /admin/login/
CAST = DEMO_CAST
USERS = [name for name in CAST if name != "anonymous"]

UNIT = {"unit_code": "06916", "period_code": "2024-H2"}


def _only(allowed, ok=200, refused=403, anonymous=LOGIN):
    """Logged-in users in ``allowed`` get ``ok``, the others ``refused``; admin always may."""
    allowed = set(allowed) | {"admin"}
    return {"anonymous": anonymous, **{user: ok if user in allowed else refused for user in USERS}}


def _all(status, anonymous=LOGIN):
    return {"anonymous": anonymous, **dict.fromkeys(USERS, status)}


POST_ONLY = _all(405)  # login_required comes first: anonymous users are sent to log in
# Review roles covering 06916: the district's two reviewers and the province's.
REVIEW = ("reviewer", "reviewer_2", "province_reviewer")
READERS = ("officer_b", *REVIEW, "leader", "province_leader", "office")  # read roles covering 06916
MANAGERS = (*REVIEW, "office")  # reopen roles: periods, the import page
REPORT_READERS = (*REVIEW, "leader", "province_leader", "office")
OFFICE = ("office",)

# name → (kwargs key, GET expectations, POST expectations or None when POST is not sent)
# kwargs keys: "unit" (UNIT), "report", "meeting", "conclusion", "plan", "grid", "split", "none".
EXPECTED = {
    "home": ("none", _all(OK_ANY), None),
    "healthz": ("none", _all(200, anonymous=200), None),
    "favicon": ("none", _all(301, anonymous=301), None),  # public: the icon only
    "help": ("none", _all(200), None),
    "login": ("none", _all(302, anonymous=200), None),
    "logout": ("none", _all(405, anonymous=405), _all(302, anonymous=302)),
    "set_language": ("none", _all(OK_ANY, anonymous=OK_ANY), _all(302, anonymous=302)),
    # People and roles (issue 14): office users and superusers; the account acted on is a
    # commune officer made for this test (see _kwargs), so resets touch no cast member.
    "committees:people": ("none", _only(OFFICE), None),
    "committees:person_create": ("none", _only(OFFICE), _only(OFFICE)),  # invalid form: shown again
    "committees:person_detail": ("person", _only(OFFICE), _only(OFFICE, ok=400)),
    "committees:person_password": ("person", POST_ONLY, _only(OFFICE)),
    "committees:person_active": ("person", POST_ONLY, _only(OFFICE, ok=302)),
    "committees:person_role_add": ("person", POST_ONLY, _only(OFFICE, ok=400)),
    # The office takes the role first; the administrator then finds it gone (refused, 403).
    "committees:person_role_remove": ("person_role", POST_ONLY, _only(OFFICE, ok=302) | {"admin": 403}),
    "committees:unit_roles_move": ("ended_unit", _only(OFFICE), _only(OFFICE)),  # no successor chosen
    "password_change": ("none", _all(200), _all(200)),  # invalid form: shown again
    "password_change_done": ("none", _all(200), None),
    "password_reset": ("none", _all(200, anonymous=200), _all(200, anonymous=200)),
    "password_reset_done": ("none", _all(200, anonymous=200), None),
    "password_reset_confirm": ("reset", _all(200, anonymous=200), None),  # a bad link: explained
    "password_reset_complete": ("none", _all(200, anonymous=200), None),
    "committees:unit_change": (
        "none",
        _only((), refused=STAFF, anonymous=STAFF),
        _only((), refused=STAFF, anonymous=STAFF),
    ),
    # Entry: every reader sees the page; a POST is refused (403) unless the user may enter;
    # those who may are told their version 0 is stale (the draft is at version 1): 409.
    "indicators:entry": ("unit", _only(READERS), _only(("officer_b",), ok=409)),
    "indicators:review": ("unit", _only(REVIEW), _only(REVIEW)),
    "indicators:submission": ("unit", _only(READERS), _only(READERS)),
    "indicators:approve": ("unit", POST_ONLY, _only(REVIEW, ok=302)),
    "indicators:return": ("unit", POST_ONLY, _only(REVIEW, ok=302)),
    "indicators:reopen": ("unit", POST_ONLY, _only(REVIEW, ok=302)),
    "indicators:remind": ("unit", POST_ONLY, _only(REVIEW, ok=302)),
    "indicators:import": ("none", _only(MANAGERS), _only(MANAGERS, ok=400)),
    "indicators:import_template": ("unit", _only(("officer_b", *REVIEW, "office")), None),
    "indicators:periods": ("none", _only(MANAGERS), _only(MANAGERS, ok=404)),
    # Plans and targets (issue 14): office staff. The scan of district 200's plan is for
    # everyone whose units lie in or above the district; the demo plan has none: 404.
    "indicators:targets": ("none", _only(OFFICE), None),
    "indicators:plan_create": ("none", _only(OFFICE), _only(OFFICE, ok=400)),
    "indicators:plan_edit": ("plan", _only(OFFICE), _only(OFFICE, ok=400)),
    "indicators:plan_scan": ("plan", _all(404), None),
    "indicators:target_grid": ("grid", _only(OFFICE), _only(OFFICE, ok=400)),  # no reason given
    "indicators:target_copy": ("grid", POST_ONLY, _only(OFFICE, ok=302)),
    "indicators:target_split": ("split", _only(OFFICE), _only(OFFICE, ok=400)),
    "indicators:target_xlsx": ("grid", _only(OFFICE), None),
    "indicators:target_upload": ("grid", _only(OFFICE), _only(OFFICE, ok=400)),
    "indicators:target_history": ("grid", _only(OFFICE), None),
    # Issue 15: offline entry. The worker, the manifest and the "no network" page are public
    # and hold nothing of anyone; keep-alive answers 401 (not a login page) to an ended session.
    "service_worker": ("none", _all(200, anonymous=200), None),
    "manifest": ("none", _all(200, anonymous=200), None),
    "indicators:offline": ("none", _all(200, anonymous=200), None),
    "indicators:keepalive": ("none", _all(405, anonymous=405), _all(204, anonymous=401)),
    # Posted without a version or a file: refused with a message on the entry page (302),
    # or 403 outside the scope.
    "indicators:withdraw": ("unit", POST_ONLY, _only(READERS, ok=302)),
    "indicators:attach": ("unit", POST_ONLY, _only(READERS, ok=302)),
    "indicators:attachment": ("attachment", _only(READERS), _all(405)),
    # Only Xã Đầm Hà's officer (officer_b) may delete it (then it is gone: 404 for the users after).
    "indicators:remove_attachment": (
        "attachment",
        POST_ONLY,
        {**_only(("officer_b",), ok=302), **dict.fromkeys((*READERS[1:], "admin"), 404)},
    ),
    "reports:dashboard": ("unit", _only(READERS), None),
    "reports:dashboard_xlsx": ("unit", _only(READERS), None),
    "reports:period_switch": ("switch", _only(READERS, ok=302), None),
    "reports:api_progress": ("unit", _only(READERS, anonymous=401), _all(405, anonymous=405)),
    "reports:document_list": ("none", _only(REPORT_READERS), None),
    "reports:document_create": ("none", _only(OFFICE), _only(OFFICE)),
    "reports:document_detail": ("report", _only(REPORT_READERS), None),
    "reports:document_edit": ("report", _only(OFFICE, ok=302), _only(OFFICE, ok=302)),  # final: redirected
    "reports:document_finalise": ("report", POST_ONLY, _only(OFFICE, ok=302)),
    "reports:document_correct": ("report", POST_ONLY, _only(OFFICE, ok=302)),
    "reports:document_print": ("report", _only(REPORT_READERS), None),
    "reports:document_pdf": ("report", _only(REPORT_READERS), None),
    "reports:document_docx": ("report", _only(REPORT_READERS), None),
    "reports:document_xlsx": ("report", _only(REPORT_READERS), None),
    "reports:meeting_list": ("none", _only(REPORT_READERS), None),
    "reports:meeting_create": ("none", _only(OFFICE), _only(OFFICE)),
    "reports:meeting_detail": ("meeting", _only(REPORT_READERS), _only(OFFICE)),
    "reports:conclusion_update": ("conclusion", POST_ONLY, _only(OFFICE, ok=302)),
    # Public: anyone who received a report checks it (an empty POST: the form asks for a code).
    "reports:verify": ("none", _all(200, anonymous=200), _all(200, anonymous=200)),
}


def _walk(patterns, prefix="", namespace=""):
    """(route, full name or None, namespace) of every pattern, recursively."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield route, name, namespace, entry


def _project_patterns():
    found, admin = [], []
    for route, name, namespace, entry in _walk(get_resolver().url_patterns):
        (admin if namespace == "admin" else found).append((route, name, entry))
    return found, admin


def test_the_cast_is_every_demo_account():
    """Each demo account plays one part, so the table covers every demo user (issue 14)."""
    from indicators.fixtures.demo import USERS as DEMO_USERS

    assert sorted(username for username in CAST.values() if username) == sorted(u[0] for u in DEMO_USERS)
    assert len(DEMO_USERS) == 9


def test_every_pattern_is_in_the_table():
    found, admin = _project_patterns()
    unknown = [route for route, name, _e in found if name not in EXPECTED]
    assert unknown == [], f"URL patterns without an access rule in tests/test_url_access.py: {unknown}"
    known = {name for _r, name, _e in found}
    assert sorted(set(EXPECTED) - known) == []  # no stale rows either
    assert len(admin) > 20  # the admin is mounted, and checked below as "requires staff"


def _status_matches(expected, response, anonymous):
    if expected == LOGIN:
        return response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    if expected == STAFF:
        return response.status_code == 302 and response["Location"].startswith("/admin/login/")
    if expected == OK_ANY:
        return response.status_code < 400
    return response.status_code == expected


def _clients(demo_users):
    clients = {}
    for name, username in CAST.items():
        client = Client()
        if username:
            client.force_login(demo_users[username])
        clients[name] = client
    return clients


@pytest.fixture
def cast_users(report_demo_data):
    draft = Submission.objects.get(unit__code="06916", period__code="2024-H2")
    attachment = Attachment(
        submission=draft, name="bien-ban.pdf", content_type="application/pdf", size=9, uploaded_by=None
    )
    attachment.file.save("bien-ban.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return {user.username: user for user in get_user_model().objects.filter(username__in=CAST.values())}


def _person():
    """A commune officer of 06916 for the people pages (made once per test)."""
    from committees.models import Account, AdministrativeUnit, UnitRole

    person, created = get_user_model().objects.get_or_create(username="canbo.thu")
    if created:
        unit = AdministrativeUnit.objects.get(code="06916")
        Account.objects.create(user=person, unit=unit)
        UnitRole.objects.create(user=person, unit=unit, role="entry")
    return person


def _kwargs(key):
    report = ReportDocument.objects.filter(unit__code="200").order_by("pk").first()
    person = _person()
    role = person.unit_roles.order_by("pk").first()
    meeting = Meeting.objects.order_by("pk").first()
    conclusion = Conclusion.objects.order_by("pk").first()
    attachment = Attachment.objects.order_by("pk").first()
    return {
        "attachment": ({"pk": attachment.pk if attachment else 0}, ""),
        "none": ({}, ""),
        "unit": (UNIT, ""),
        "switch": ({}, "?unit=06916&period=2024-H2"),
        "report": ({"pk": report.pk}, ""),
        "meeting": ({"pk": meeting.pk}, ""),
        "conclusion": ({"pk": conclusion.pk}, ""),
        "person": ({"pk": person.pk}, ""),
        "person_role": ({"pk": person.pk, "role_pk": role.pk if role else 0}, ""),
        "ended_unit": ({"unit_code": "06913"}, ""),
        "reset": ({"uidb64": "MQ", "token": "set-password"}, ""),
        "plan": ({"pk": Plan.objects.get(number="111/KH-UBND").pk}, ""),
        "grid": ({"unit_code": "200", "year": 2025}, ""),
        "split": ({"unit_code": "200", "year": 2025, "indicator_code": "MT_HOSO_CAI"}, ""),
    }[key]


def test_who_may_use_what(cast_users):
    clients = _clients(cast_users)
    wrong, sent = [], 0
    for method in ("get", "post"):
        for name, (key, on_get, on_post) in EXPECTED.items():
            table = on_get if method == "get" else on_post
            if table is None:
                continue
            kwargs, query = _kwargs(key)
            url = reverse(name, kwargs=kwargs) + query
            for user in CAST:
                if name == "logout" or user == "anonymous":
                    client = _clients(cast_users)[user] if name == "logout" else clients[user]
                else:
                    client = clients[user]
                response = getattr(client, method)(url, {"version": "0"} if method == "post" else None)
                sent += 1
                if response.status_code >= 500 or not _status_matches(table[user], response, user == "anonymous"):
                    wrong.append(f"{method.upper()} {url} as {user}: {response.status_code}, expected {table[user]}")
    assert wrong == []
    assert sent > 300


def test_refusals_leave_the_data_unchanged(cast_users):
    """Out-of-scope POSTs write nothing: the figures and the submissions stay as they were."""
    before = (
        sorted(Figure.objects.values_list("pk", "value", "note")),
        sorted(Submission.objects.values_list("pk", "status", "version")),
    )
    client = Client()
    client.force_login(cast_users["congan.quangtan"])
    for name in ("indicators:entry", "indicators:approve", "indicators:return", "indicators:reopen"):
        response = client.post(reverse(name, kwargs=UNIT), {"version": "1", "reason": "x", "v_MT_TUDIEM": "3"})
        assert response.status_code == 403, name
        assert "không thuộc phạm vi" in response.content.decode()
    after = (
        sorted(Figure.objects.values_list("pk", "value", "note")),
        sorted(Submission.objects.values_list("pk", "status", "version")),
    )
    assert after == before


def test_admin_requires_staff_everywhere(cast_users):
    """Every admin pattern sends anonymous and non-staff users to the admin login."""
    _found, admin = _project_patterns()
    clients = _clients(cast_users)
    values = {"object_id": "1", "id": "1", "app_label": "auth", "content_type_id": "1", "url": "nowhere/"}
    checked = 0
    for route, name, entry in admin:
        keys = list(entry.pattern.regex.groupindex)
        url = None
        if name and entry.pattern.regex.groups and not keys:  # e.g. simple_history's re_path
            url = reverse(name, args=["1"] * entry.pattern.regex.groups)
        elif name:
            url = reverse(name, kwargs={k: values[k] for k in keys})
        elif keys == ["url"]:
            url = "/admin/nowhere/"
        elif keys == ["object_id"]:  # the old-style object URL that redirects to the change page
            url = "/" + re.sub(r"<(?:\w+:)?object_id>", "1", route)
        assert url is not None, route
        if name == "admin:login":
            continue  # the admin's own login page is open to all
        for user in ("anonymous", "officer_a", "leader", "office"):
            response = clients[user].get(url)
            assert response.status_code == 302, (url, user, response.status_code)
            # admin_view sends non-staff users from the admin's logout to the admin index (→ login).
            target = "/admin/" if name == "admin:logout" else "/admin/login/"
            assert response["Location"].startswith(target), (url, user)
            checked += 1
        response = clients["admin"].get(url)
        assert response.status_code < 500, (url, response.status_code)  # e.g. autocomplete without its parameters: 403
    assert checked > 100
