"""Project-level views (damha/views.py): /healthz and the error pages."""

from unittest import mock

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults

from damha.views import permission_denied
from tests import factories


def test_healthz_answers_200_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_unreachable(client, db):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_healthz_answers_503_when_the_query_fails(client, db):
    broken = mock.MagicMock()
    broken.__enter__.return_value.execute.side_effect = OperationalError("server closed the connection")
    with mock.patch.object(connection, "cursor", return_value=broken):
        response = client.get("/healthz")
    assert response.status_code == 503


def test_403_page_says_why_and_is_logged(client, demo, caplog):
    client.force_login(get_user_model().objects.get(username="congan.quangtan"))
    caplog.set_level("WARNING", logger="damha.security")
    response = client.get(reverse("reports:dashboard", args=["06916", "2024-H1"]))
    assert response.status_code == 403
    text = response.content.decode()
    assert "Không có quyền truy cập" in text
    assert "Đơn vị Xã Đầm Hà không thuộc phạm vi được phân công cho tài khoản của bạn." in text
    assert (
        "refused user=congan.quangtan ip=127.0.0.1 GET /dashboard/06916/2024-H1/: "
        "Đơn vị Xã Đầm Hà không thuộc phạm vi được phân công cho tài khoản của bạn."
    ) in caplog.text


def test_403_page_without_a_reason_gives_a_plain_one(client, db):
    request = RequestFactory().get("/somewhere/")
    request.user = factories.user("canbo")
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "Tài khoản của bạn không được phân quyền cho trang này." in response.content.decode()


def test_404_page_is_in_vietnamese(client, db):
    client.force_login(factories.user("canbo"))
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Không tìm thấy trang" in text
    assert "Địa chỉ bạn mở không tồn tại hoặc dữ liệu đã bị xóa." in text


def test_500_page_renders_without_request_context():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    text = response.content.decode()
    assert "Lỗi hệ thống" in text
    assert "Dữ liệu bạn đã lưu trước đó không bị ảnh hưởng." in text


def test_favicon_redirects_to_the_static_icon_without_login(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


def test_api_refusal_is_logged_like_a_page(client, demo, caplog):
    """The API's JSON 403 reaches the same security log line as the 403 page."""
    client.force_login(get_user_model().objects.get(username="congan.quangtan"))
    caplog.set_level("WARNING", logger="damha.security")
    response = client.get(reverse("reports:api_progress", args=["06916", "2024-H1"]))
    assert response.status_code == 403
    assert response.json() == {"error": "Đơn vị Xã Đầm Hà không thuộc phạm vi được phân công cho tài khoản của bạn."}
    assert (
        "refused user=congan.quangtan ip=127.0.0.1 GET /api/v1/progress/06916/2024-H1/: "
        "Đơn vị Xã Đầm Hà không thuộc phạm vi được phân công cho tài khoản của bạn."
    ) in caplog.text
