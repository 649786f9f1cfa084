"""Entry that never loses a figure (issue 15), in real Chromium on a 375 px phone: an
expired session, a save made offline and sent when the network returns, the same with a
conflicting change meanwhile, logout leaving nothing readable offline, the installability
check, and the CDN fallback. Each test checks what the officer sees and what the server
stored."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from committees.models import AdministrativeUnit
from damha.assets import VENDOR_ASSETS, asset_url
from indicators import services
from indicators.models import Attachment, Figure, Period, Submission, SubmissionStatus
from tests.e2e.conftest import ARTIFACTS, DEMO_PASSWORD

PHONE = {"width": 375, "height": 812}
ENTRY = "/entry/06913/2024-H2/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXPIRED = "Phiên làm việc đã hết hạn, vui lòng đăng nhập lại — số liệu bạn đã nhập vẫn được giữ"

# Resolves when the service worker has kept the open entry page for offline use.
KEPT = """() => navigator.serviceWorker && navigator.serviceWorker.controller &&
  caches.keys().then(keys => Promise.all(keys.filter(k => k.startsWith('damha-pages-'))
    .map(k => caches.open(k).then(c => c.keys()))))
  .then(lists => lists.flat().some(r => new URL(r.url).pathname === location.pathname))"""
STORED_KEYS = "() => Object.keys(localStorage).filter(k => k.startsWith('damha:'))"


def _figures():
    """What the server holds for Quảng Tân 2024-H2: {indicator code: value}."""
    return dict(
        Figure.objects.filter(submission__unit__code="06913", submission__period__code="2024-H2").values_list(
            "indicator__code", "value"
        )
    )


def _submission():
    return Submission.objects.filter(unit__code="06913", period__code="2024-H2").first()


def _shot(screenshot, name, page=None):
    if page is not None:
        page.evaluate("window.scrollTo(0, 0)")
    return screenshot(name, full_page=False)


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    # Leaving a page with typed values asks first (beforeunload): the officer says yes.
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def _open_offline_ready(page, login, demo_server):
    login("congan.quangtan")
    expect(page).to_have_url(demo_server.url + ENTRY)
    page.wait_for_function(KEPT, timeout=20_000)


def test_typed_figure_survives_an_expired_session(phone, login, demo_server, screenshot):
    page = phone
    login("congan.quangtan")
    expect(page).to_have_url(demo_server.url + ENTRY)
    assert _submission() is None
    page.fill("input[name=v_TTXH_VU]", "5")

    # 30 idle minutes later the session has ended: its cookie is gone.
    page.context.clear_cookies(name="sessionid")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu nháp").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/entry/06913/2024-H2/$"))
    expect(page.locator(".messages")).to_contain_text(EXPIRED)
    _shot(screenshot, "offline-1-session-expired-375")
    assert _submission() is None  # nothing was saved, and nothing is lost either

    page.fill("input[name=username]", "congan.quangtan")
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(demo_server.url + ENTRY)
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_value("5")
    expect(page.locator("#restore-notice")).to_contain_text("Đã khôi phục 1 số liệu chưa lưu")
    _shot(screenshot, "offline-2-restored-after-login-375")

    with page.expect_navigation():
        page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".alert-success")).to_have_text("Đã lưu nháp. Báo cáo chưa được gửi.")
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_value("5")
    expect(page.locator("#restore-notice")).to_be_hidden()
    assert _figures() == {"TTXH_VU": 5}
    assert (_submission().status, _submission().version) == (SubmissionStatus.DRAFT, 1)
    assert page.evaluate(STORED_KEYS) == []  # the server has it: nothing kept on the phone


def test_draft_saved_offline_reaches_the_server_when_the_network_returns(phone, login, demo_server, screenshot):
    page = phone
    _open_offline_ready(page, login, demo_server)
    expect(page.locator("#connection-badge")).to_have_text("Trực tuyến")

    page.context.set_offline(True)
    page.reload()
    expect(page.locator("h1")).to_have_text("Nhập số liệu: Xã Quảng Tân")
    expect(page.locator("#offline-copy")).to_contain_text("Đang xem bản lưu trên máy (không có mạng)")
    expect(page.locator("#connection-badge")).to_have_text("Ngoại tuyến — số liệu được giữ trên máy này")
    page.fill("input[name=v_TTXH_VU]", "4")
    page.fill("input[name=v_MT_NGHIEN_QL]", "6")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator("#pending-badge")).to_have_text("Chờ gửi")
    expect(page.locator("#connection")).to_contain_text("“Lưu nháp” đang chờ gửi, sẽ tự gửi khi có mạng.")
    # A photo of the signed paper report, chosen offline too.
    page.set_input_files("input[name=file]", files=[{"name": "bao-cao-ky.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_role("button", name="Tải tệp lên").click()
    expect(page.locator(".queued-upload")).to_have_text("bao-cao-ky.png — chờ gửi")
    expect(page.locator("#connection")).to_be_in_viewport()  # in sight wherever the officer is on the form
    _shot(screenshot, "offline-3-queued-375", page)
    assert _submission() is None  # still on the phone only

    page.context.set_offline(False)  # the network returns; nobody touches the phone
    expect(page.locator(".alert-success")).to_have_text("Đã lưu nháp. Báo cáo chưa được gửi.", timeout=20_000)
    expect(page.locator("#connection-badge")).to_have_text("Trực tuyến")
    expect(page.locator("#pending-badge")).to_have_count(0)
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_value("4")
    _shot(screenshot, "offline-4-sent-375", page)
    assert _figures() == {"TTXH_VU": 4, "MT_NGHIEN_QL": 6}
    assert _submission().status == SubmissionStatus.DRAFT
    # The photo follows from the page the save landed on.
    expect(page.locator(".queued-upload")).to_have_text("bao-cao-ky.png — Đã đính kèm tệp “bao-cao-ky.png”.")
    photo = Attachment.objects.get(submission=_submission())
    assert (photo.name, photo.content_type, photo.size) == ("bao-cao-ky.png", "image/png", len(PNG))
    assert page.evaluate(STORED_KEYS) == []


# Every figure "Gửi báo cáo" requires for Quảng Tân (the demo's commune indicators).
COMPLETE = {
    "v_TTXH_VU": "3",
    "v_TTXH_LAMRO": "2",
    "v_ANTT_MOHINH": "1",
    "v_MT_TUDIEM": "0",
    "v_MT_NGHIEN_QL": "5",
    "v_MT_HOSO_CAI": "1",
    "v_MT_SAU_CAI": "3",
}


def test_report_sent_offline_is_submitted_when_the_network_returns(phone, login, demo_server, screenshot):
    page = phone
    _open_offline_ready(page, login, demo_server)
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#connection-badge")).to_have_text("Ngoại tuyến — số liệu được giữ trên máy này")
    for name, value in COMPLETE.items():
        page.fill(f"input[name={name}]", value)
    page.select_option("select[name=v_MT_QL_DAYDU]", "1")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator("#pending-badge")).to_have_text("Chờ gửi")
    expect(page.locator("#connection")).to_contain_text("“Gửi báo cáo” đang chờ gửi, sẽ tự gửi khi có mạng.")
    _shot(screenshot, "offline-11-submit-queued-375", page)
    assert _submission() is None

    page.context.set_offline(False)  # nothing pressed: the queued "Gửi báo cáo" goes
    expect(page.locator(".alert-success")).to_have_text(
        "Đã gửi báo cáo 2024-H2. Chờ cơ quan thường trực duyệt.", timeout=20_000
    )
    expect(page.locator("#submission-state")).to_have_text("Đã gửi")
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_count(0)  # read-only now
    expect(page.locator("[data-figure=v_TTXH_VU]")).to_have_text("3")
    _shot(screenshot, "offline-12-submit-sent-375", page)
    submission = _submission()
    assert (submission.status, submission.version) == (SubmissionStatus.SUBMITTED, 2)
    assert _figures() == {
        "TTXH_VU": 3,
        "TTXH_LAMRO": 2,
        "ANTT_MOHINH": 1,
        "MT_TUDIEM": 0,
        "MT_NGHIEN_QL": 5,
        "MT_HOSO_CAI": 1,
        "MT_SAU_CAI": 3,
        "MT_QL_DAYDU": 1,
    }
    assert page.evaluate(STORED_KEYS) == []


def _save_on_another_device(value):
    """The commune's report saved meanwhile from the office's computer."""
    return services.save_figures(
        user=get_user_model().objects.get(username="congan.quangtan"),
        unit=AdministrativeUnit.objects.get(code="06913"),
        period=Period.objects.get(code="2024-H2"),
        values={"TTXH_VU": (value, "Nhập trên máy tính ở trụ sở")},
        version=_submission().version if _submission() else 0,
    )


def test_restored_figures_can_be_discarded_for_the_servers(phone, login, demo_server, screenshot):
    page = phone
    _save_on_another_device(2)
    login("congan.quangtan")
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_value("2")
    page.fill("input[name=v_TTXH_VU]", "5")
    page.fill("input[name=v_MT_NGHIEN_QL]", "6")
    page.reload()  # a crash, a closed tab: the typed figures come back
    expect(page.locator("#restore-notice")).to_contain_text("Đã khôi phục 2 số liệu chưa lưu")
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_value("5")
    expect(page.locator("input[name=v_MT_NGHIEN_QL]")).to_have_value("6")

    page.get_by_role("button", name="Bỏ các số liệu chưa lưu, dùng số liệu trên máy chủ").click()
    expect(page.locator("#restore-notice")).to_be_hidden()
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_value("2")
    expect(page.locator("input[name=v_MT_NGHIEN_QL]")).to_have_value("")
    assert page.evaluate(STORED_KEYS) == []
    page.reload()
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_value("2")
    expect(page.locator("#restore-notice")).to_be_hidden()
    assert _figures() == {"TTXH_VU": 2}  # the server was never touched
    assert _submission().version == 1


def test_kept_figures_never_silently_replace_a_newer_server_version(phone, login, demo_server, screenshot):
    page = phone
    login("congan.quangtan")
    page.fill("input[name=v_TTXH_VU]", "5")  # typed against version 0, never saved
    _save_on_another_device(9)  # version 1 on the server

    page.reload()
    notice = page.locator("#server-newer")
    expect(notice).to_be_visible()
    expect(page.locator("#server-newer-message")).to_contain_text(
        "Báo cáo vừa được Công an xã Quảng Tân (demo) thay đổi lúc "
    )
    expect(page.locator("#server-newer-message")).to_contain_text("trong khi bạn đang nhập, nên chưa lưu gì.")
    expect(page.locator("#server-newer-list li")).to_have_text(
        ["Số vụ phạm tội về trật tự xã hội (vụ): bạn nhập 5 · trên máy chủ 9"]
    )  # the note, changed only on the other device, is no choice of the officer's
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_value("9")  # the server's, not silently the 5
    expect(page.locator("#restore-notice")).to_be_hidden()
    # The choice, both buttons and the input in sight, below the sticky connection line.
    notice.evaluate(
        "element => window.scrollTo({top: element.getBoundingClientRect().top + window.scrollY - 40, behavior: 'instant'})"
    )
    _shot(screenshot, "offline-13-server-newer-375")

    page.get_by_role("button", name="Dùng số liệu tôi đã nhập").click()
    expect(notice).to_be_hidden()
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_value("5")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".alert-success")).to_have_text("Đã lưu nháp. Báo cáo chưa được gửi.")
    assert _figures() == {"TTXH_VU": 5}  # chosen knowingly, saved over version 1
    # The other device's note, untouched here, is kept.
    assert Figure.objects.get(submission=_submission()).note == "Nhập trên máy tính ở trụ sở"
    assert _submission().version == 2
    assert page.evaluate(STORED_KEYS) == []


def test_session_is_kept_alive_only_while_typing(phone, login, demo_server):
    page = phone
    page.clock.install()  # the page's clock, moved on by the test
    login("congan.quangtan")
    pings = []
    page.on("request", lambda request: pings.append(request.method) if "/session/keepalive/" in request.url else None)
    page.fill("input[name=v_TTXH_VU]", "1")
    page.clock.run_for("05:00")  # five idle minutes: nobody types, nothing is asked
    page.wait_for_timeout(500)
    assert pings == []

    with page.expect_response("**/session/keepalive/") as answer:
        page.fill("input[name=v_TTXH_VU]", "2")  # typing again after more than four minutes
    assert answer.value.status == 204
    page.fill("input[name=v_TTXH_VU]", "3")
    page.clock.run_for("01:00")
    page.fill("input[name=v_TTXH_VU]", "4")
    page.wait_for_timeout(500)
    assert pings == ["POST"]  # at most one light request every four minutes


def test_unsaved_figure_opens_offline_and_a_queued_draft_goes_when_the_page_is_opened_again(
    phone, login, demo_server, screenshot
):
    page = phone
    _open_offline_ready(page, login, demo_server)
    page.fill("input[name=v_TTXH_VU]", "4")  # typed, not saved, then the signal goes

    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#offline-copy")).to_contain_text("Đang xem bản lưu trên máy (không có mạng)")
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_value("4")  # the officer's unsaved figure
    expect(page.locator("input[name=v_MT_NGHIEN_QL]")).to_have_value("")  # the server's (none yet)
    expect(page.locator("#restore-notice")).to_contain_text("Đã khôi phục 1 số liệu chưa lưu")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator("#pending-badge")).to_have_text("Chờ gửi")
    page.close()  # the officer closes the browser while still offline

    page.context.set_offline(False)
    again = page.context.new_page()
    again.set_viewport_size(PHONE)
    again.goto(demo_server.url + ENTRY)  # opened again, with the network: the queued save goes
    expect(again.locator(".alert-success")).to_have_text("Đã lưu nháp. Báo cáo chưa được gửi.", timeout=20_000)
    expect(again.locator("input[name=v_TTXH_VU]")).to_have_value("4")
    expect(again.locator("#pending-badge")).to_have_count(0)
    assert _figures() == {"TTXH_VU": 4}
    assert (_submission().status, _submission().version) == (SubmissionStatus.DRAFT, 1)
    assert again.evaluate(STORED_KEYS) == []


def test_offline_save_conflicting_with_another_session_overwrites_nothing(phone, login, demo_server, screenshot):
    page = phone
    _open_offline_ready(page, login, demo_server)
    page.context.set_offline(True)
    page.reload()
    page.fill("input[name=v_TTXH_VU]", "4")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator("#pending-badge")).to_have_text("Chờ gửi")

    # Meanwhile the same commune's report is saved from another device.
    officer = get_user_model().objects.get(username="congan.quangtan")
    services.save_figures(
        user=officer,
        unit=AdministrativeUnit.objects.get(code="06913"),
        period=Period.objects.get(code="2024-H2"),
        values={"TTXH_VU": (9, "Nhập trên máy tính ở trụ sở")},
        version=0,
    )

    page.context.set_offline(False)
    conflict = page.locator("#conflict")
    expect(conflict).to_contain_text("trong khi bạn đang nhập, nên chưa lưu gì", timeout=20_000)
    expect(conflict).to_contain_text("Số vụ phạm tội về trật tự xã hội: bạn thấy —, hiện tại 9")
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_value("4")  # the officer's figure is still there
    expect(page.locator("#pending-badge")).to_have_count(0)
    _shot(screenshot, "offline-5-conflict-375", page)
    assert _figures() == {"TTXH_VU": 9}  # nothing overwritten
    assert _submission().version == 1


def test_after_logout_nothing_of_the_user_is_readable_offline(phone, login, demo_server, screenshot):
    page = phone
    _open_offline_ready(page, login, demo_server)
    page.fill("input[name=v_TTXH_VU]", "5")
    assert len(page.evaluate(STORED_KEYS)) == 1

    page.get_by_role("button", name="Mở menu").click()
    # The logout answer's Clear-Site-Data makes the browser empty caches, storage and the
    # service worker while it shows the login page; wait for the login page's URL to be
    # committed, then for its content, not for a "load" event of the navigation.
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(re.compile(r"/accounts/login/"), wait_until="commit", timeout=60_000)
    expect(page.locator("input[name=username]")).to_be_visible(timeout=30_000)
    assert page.evaluate(STORED_KEYS) == []
    # Only public files (Bootstrap, the site's CSS and JS, kept again by the login page) may
    # be cached: no page, no record of who was signed in.
    assert [key for key in page.evaluate("() => caches.keys()") if not key.startswith("damha-static-")] == []

    page.context.set_offline(True)
    # Either the worker's "no network" page (which lists no kept page) or, when the
    # logout's Clear-Site-Data removed the worker before the login page set up a new one,
    # the browser's own offline error: in neither is there anything of the officer.
    try:
        page.goto(demo_server.url + ENTRY)
    except Exception as error:  # noqa: BLE001 - Playwright raises a plain Error for a failed navigation
        assert "ERR_INTERNET_DISCONNECTED" in str(error)
        page.wait_for_load_state("load")  # the browser's error page
    else:
        expect(page.locator("#offline-title")).to_have_text("Không có mạng")
        expect(page.locator("#offline-none")).to_be_visible()
        expect(page.locator("#offline-pages a")).to_have_count(0)
    text = page.locator("body").inner_text()
    assert "Quảng Tân" not in text and "congan" not in text
    assert page.locator("input[name=v_TTXH_VU]").count() == 0
    _shot(screenshot, "offline-6-after-logout-375")
    assert _figures() == {}  # typed, never saved, and gone from the phone with the logout


def test_the_next_user_of_the_phone_sees_nothing_of_the_previous_one_offline(phone, login, demo_server, screenshot):
    page = phone
    _open_offline_ready(page, login, demo_server)
    page.fill("input[name=v_TTXH_VU]", "5")
    page.context.clear_cookies(name="sessionid")  # Quảng Tân's session ended, no logout

    login("congan.damha")  # a colleague from another commune on the same phone
    expect(page).to_have_url(demo_server.url + "/entry/06916/2024-H2/")
    page.wait_for_function(KEPT, timeout=20_000)
    damha = str(get_user_model().objects.get(username="congan.damha").pk)
    pages = [key for key in page.evaluate("() => caches.keys()") if key.startswith("damha-pages-")]
    assert [key.rsplit("-u", 1)[1] for key in pages] == [damha]  # Quảng Tân's kept page is gone

    page.context.set_offline(True)
    page.goto(demo_server.url + ENTRY)  # Quảng Tân's entry page, offline
    expect(page.locator("#offline-title")).to_have_text("Không có mạng")
    expect(page.locator("#offline-pages a")).to_have_text(["Nhập số liệu · 06916 · kỳ 2024-H2"])
    assert "Quảng Tân" not in page.locator("body").inner_text()
    assert page.locator("input[name=v_TTXH_VU]").count() == 0
    _shot(screenshot, "offline-15-next-user-375")
    assert _figures() == {}


def test_app_is_installable_and_its_start_url_opens_offline(
    browser_type, browser_type_launch_args, demo_server, tmp_path
):
    # Chromium never offers to install from an incognito profile, and Playwright's
    # contexts are incognito ("in-incognito"): check in a real, persistent profile.
    context = browser_type.launch_persistent_context(
        str(tmp_path / "profile"), **browser_type_launch_args, viewport=PHONE
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(demo_server.url + "/accounts/login/")
        page.fill("input[name=username]", "congan.quangtan")
        page.fill("input[name=password]", DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Đăng nhập").click()
        expect(page).to_have_url(demo_server.url + ENTRY)
        page.wait_for_function(KEPT, timeout=20_000)

        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"] == demo_server.url + "/manifest.webmanifest"
        assert manifest["errors"] == []
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == [], errors
        assert page.evaluate("() => navigator.serviceWorker.getRegistration().then(r => r.active.scriptURL)") == (
            demo_server.url + "/sw.js"
        )

        # The start URL ("/") with no network: the "no network" page, listing the entry
        # page kept on this phone, which opens.
        context.set_offline(True)
        response = page.goto(demo_server.url + "/")
        assert response.status == 200
        expect(page.locator("#offline-title")).to_have_text("Không có mạng")
        link = page.locator("#offline-pages a")
        expect(link).to_have_text("Nhập số liệu · 06913 · kỳ 2024-H2")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "offline-7-start-url-offline-375.png"))
        with page.expect_navigation():
            link.click()
        expect(page.locator("h1")).to_have_text("Nhập số liệu: Xã Quảng Tân")
        expect(page.locator("input[name=v_TTXH_VU]")).to_be_editable()
    finally:
        context.close()


def test_cdn_unreachable_page_is_styled_with_the_local_copies(page, demo_server, settings, screenshot):
    settings.DAMHA_ASSETS = "cdn"
    page.set_viewport_size(PHONE)
    blocked = []
    page.route("https://cdn.jsdelivr.net/**", lambda route: (blocked.append(route.request.url), route.abort()))
    page.goto(demo_server.url + "/accounts/login/")
    page.wait_for_load_state("load")
    page.wait_for_function("() => typeof window.bootstrap !== 'undefined'")
    assert len(blocked) == 2  # Bootstrap's CSS and JS were asked of the CDN first
    # Bootstrap's CSS is in force: the primary button is Bootstrap blue, full width.
    # (to_have_css waits: Bootstrap's .btn fades its colour in over 0.15 s once the sheet arrives)
    expect(page.locator("button.btn-primary")).to_have_css("background-color", "rgb(13, 110, 253)")
    assert page.locator("link[href^='/static/vendor/bootstrap/dist/css/']").count() == 1
    _shot(screenshot, "offline-8-cdn-fallback-375")


def test_return_reason_survives_an_expired_session(phone, login, demo_server, screenshot):
    page = phone
    reason = "Thiếu ghi chú đối chiếu sổ theo dõi"
    login("duyet")
    page.goto(demo_server.url + "/submission/06895/2024-H2/")
    expect(page.locator("#submission-state")).to_have_text("Đã gửi")
    page.get_by_label("Lý do").fill(reason)
    page.context.clear_cookies(name="sessionid")
    page.locator("summary", has_text="Trả lại cho đơn vị sửa").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận trả lại").click()
    expect(page.locator(".messages")).to_contain_text(EXPIRED)
    assert Submission.objects.get(unit__code="06895", period__code="2024-H2").status == SubmissionStatus.SUBMITTED

    page.fill("input[name=username]", "duyet")
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(demo_server.url + "/submission/06895/2024-H2/")
    expect(page.locator("#reason-restored")).to_have_text("Đã khôi phục lý do trả lại chưa gửi.")
    expect(page.get_by_label("Lý do")).to_have_value(reason)
    page.locator("#reason-restored").scroll_into_view_if_needed()
    _shot(screenshot, "offline-9-reason-restored-375")
    page.locator("summary", has_text="Trả lại cho đơn vị sửa").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận trả lại").click()
    expect(page.locator("#submission-state")).to_have_text("Bị trả lại")
    returned = Submission.objects.get(unit__code="06895", period__code="2024-H2")
    assert (returned.status, returned.return_reason) == (SubmissionStatus.RETURNED, reason)
    assert page.evaluate(STORED_KEYS) == []


def test_leaving_warns_and_a_sent_report_is_taken_back_only_by_the_confirmed_withdraw(
    page, login, demo_server, screenshot
):
    page.set_viewport_size(PHONE)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # "stay on this page"

    page.on("dialog", answer)
    login("congan.quangtan")
    page.fill("input[name=v_TTXH_VU]", "2")
    page.locator(".navbar-brand").click()  # leave with a typed, unsaved figure
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(demo_server.url + ENTRY)
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_value("2")

    for code, value in {"TTXH_LAMRO": "1", "ANTT_MOHINH": "1", "MT_TUDIEM": "0", "MT_NGHIEN_QL": "5"}.items():
        page.fill(f"input[name=v_{code}]", value)
    page.fill("input[name=v_MT_HOSO_CAI]", "1")
    page.fill("input[name=v_MT_SAU_CAI]", "3")
    page.select_option("select[name=v_MT_QL_DAYDU]", "1")
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator("#submission-state")).to_have_text("Đã gửi")
    # Read-only: no input, no "Lưu nháp"; one explicit way back.
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_count(0)
    expect(page.get_by_role("button", name="Lưu nháp")).to_have_count(0)
    page.locator("summary", has_text="Rút lại để sửa").click()
    expect(page.locator("#withdraw")).to_contain_text("Báo cáo sẽ trở về bản nháp")
    _shot(screenshot, "offline-10-withdraw-confirm-375")
    assert _submission().status == SubmissionStatus.SUBMITTED  # opening the step changes nothing
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận rút lại để sửa").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã rút lại báo cáo về bản nháp.")
    expect(page.locator("#submission-state")).to_have_text("Nháp")
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_value("2")
    submission = _submission()
    assert (submission.status, submission.version) == (SubmissionStatus.DRAFT, 3)
    last = submission.history.order_by("-history_id").first()
    assert (last.history_change_reason, last.history_user.username) == ("Rút lại để sửa", "congan.quangtan")
    assert dialogs == ["beforeunload"]  # saving and withdrawing never asked


def _cdn_from_local_copies(route):
    """The CDN, answered with the npm copies (the same bytes, so the same SRI hashes)."""
    for name, asset in VENDOR_ASSETS.items():
        if route.request.url == asset_url(name, "cdn"):
            path = Path("node_modules") / asset["path"]
            kind = "text/css" if path.suffix == ".css" else "text/javascript"
            return route.fulfill(
                status=200, body=path.read_bytes(), headers={"Content-Type": kind, "Access-Control-Allow-Origin": "*"}
            )
    return route.abort()


def test_cdn_assets_load_through_the_service_worker_and_stay_for_offline(
    phone, login, demo_server, settings, screenshot
):
    # The default: Bootstrap from the CDN, which loads (answered here with the same bytes).
    settings.DAMHA_ASSETS = "cdn"
    page = phone
    page.context.route("https://cdn.jsdelivr.net/**", _cdn_from_local_copies)
    _open_offline_ready(page, login, demo_server)
    page.reload()  # now through the service worker, which fetches the CDN files itself
    page.wait_for_load_state("load")
    # The worker may connect to the CDN (its own CSP): the CDN copy is used, not the fallback.
    assert page.locator("link[href^='/static/vendor/'], script[src^='/static/vendor/']").count() == 0
    expect(page.get_by_role("button", name="Gửi báo cáo")).to_have_css("background-color", "rgb(13, 110, 253)")
    kept = page.evaluate(
        """() => caches.keys().then(keys => Promise.all(keys.filter(k => k.startsWith('damha-static-'))
          .map(k => caches.open(k).then(c => c.keys())))).then(lists => lists.flat().map(r => r.url))"""
    )
    assert {asset_url("bootstrap_css", "cdn"), asset_url("bootstrap_js", "cdn")} <= set(kept)

    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#offline-copy")).to_contain_text("Đang xem bản lưu trên máy (không có mạng)")
    # Styled offline from the CDN copy the worker kept.
    expect(page.get_by_role("button", name="Gửi báo cáo")).to_have_css("background-color", "rgb(13, 110, 253)")
    assert page.locator("link[href^='/static/vendor/'], script[src^='/static/vendor/']").count() == 0
    _shot(screenshot, "offline-14-cdn-kept-offline-375", page)
