"""Pinned browser assets: CDN addresses and the local copies' SRI hashes (DESIGN.md "Assets")."""

import base64
import hashlib
from pathlib import Path

import pytest

from damha.assets import VENDOR_ASSETS, asset_url

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"


def test_cdn_addresses_point_inside_the_pinned_package():
    # jsDelivr serves /npm/<package>@<version>/<file in the package> (TOOLING.md).
    assert asset_url("chartjs", "cdn") == "https://cdn.jsdelivr.net/npm/chart.js@4.6.1/dist/chart.umd.min.js"
    assert asset_url("bootstrap_css", "cdn") == (
        "https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/css/bootstrap.min.css"
    )
    assert asset_url("bootstrap_js", "cdn") == (
        "https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.bundle.min.js"
    )


def test_local_addresses_are_static_files():
    assert asset_url("chartjs", "local") == "/static/vendor/chart.js/dist/chart.umd.min.js"


@pytest.mark.parametrize("name", sorted(VENDOR_ASSETS))
def test_local_copy_matches_the_configured_integrity(name):
    asset = VENDOR_ASSETS[name]
    path = NODE_MODULES / asset["path"]
    assert path.is_file(), f"{path} missing: run `make assets`"
    digest = base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()
    assert f"sha384-{digest}" == asset["integrity"]


@pytest.mark.parametrize("name", sorted(VENDOR_ASSETS))
def test_local_copy_is_the_pinned_package_version(name):
    asset = VENDOR_ASSETS[name]
    package, version = asset["package"].rsplit("@", 1)
    manifest = (NODE_MODULES / package / "package.json").read_text(encoding="utf-8")
    assert f'"version": "{version}"' in manifest


@pytest.mark.django_db
def test_pages_carry_the_integrity(client, settings):
    settings.DAMHA_ASSETS = "cdn"
    html = client.get("/accounts/login/").content.decode()
    assert (
        '<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/css/bootstrap.min.css" '
        f'integrity="{VENDOR_ASSETS["bootstrap_css"]["integrity"]}" crossorigin="anonymous" '
        'data-fallback="/static/vendor/bootstrap/dist/css/bootstrap.min.css" data-vendor="bootstrap_css">'
    ) in html
    assert (
        '<script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.bundle.min.js" '
        f'integrity="{VENDOR_ASSETS["bootstrap_js"]["integrity"]}" crossorigin="anonymous" defer '
        'data-fallback="/static/vendor/bootstrap/dist/js/bootstrap.bundle.min.js" data-vendor="bootstrap_js"></script>'
    ) in html
    # The local copy the fallback names is served, byte for byte the CDN's (same SRI hash).
    assert '<script src="/static/js/vendor-fallback.js"></script>' in html
