"""Production static files keep the vendored assets' bytes, so their SRI hashes hold
(damha/storage.py; found by the deployment drill in docs/deployment.md)."""

import base64
import hashlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from damha.assets import VENDOR_ASSETS
from damha.storage import SRISafeManifestStaticFilesStorage

NODE_MODULES = Path(__file__).resolve().parents[1] / "node_modules"


def sri(data):
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


@pytest.mark.parametrize("name", sorted(VENDOR_ASSETS))
def test_collected_vendor_asset_matches_its_integrity(tmp_path, name, settings):
    settings.STATIC_ROOT = tmp_path
    # The .gz/.br copies whitenoise writes beside each file are not what SRI checks (the
    # browser hashes the decompressed bytes, the hashed file's); compressing the 1 MB
    # source maps at brotli's top level took most of the suite's slowest seconds.
    settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS = ["js", "css", "map"]
    storage = SRISafeManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    path = VENDOR_ASSETS[name]["path"]
    sources = [path, path + ".map"]
    for source in sources:
        storage.save("vendor/" + source, ContentFile((NODE_MODULES / source).read_bytes()))
    paths = {"vendor/" + source: (storage, "vendor/" + source) for source in sources}
    for original, _processed, error in storage.post_process(paths):
        assert not isinstance(error, Exception), (original, error)
    hashed = storage.stored_name("vendor/" + path)
    assert hashed != "vendor/" + path  # it was hashed for far-future caching...
    assert sri((tmp_path / hashed).read_bytes()) == VENDOR_ASSETS[name]["integrity"]  # ...but not changed


def test_our_own_css_references_are_still_rewritten(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    storage = SRISafeManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    storage.save("img/flag.svg", ContentFile(b"<svg xmlns='http://www.w3.org/2000/svg'/>"))
    storage.save("css/own.css", ContentFile(b".flag { background: url('../img/flag.svg'); }"))
    paths = {name: (storage, name) for name in ("img/flag.svg", "css/own.css")}
    list(storage.post_process(paths))
    css = (tmp_path / storage.stored_name("css/own.css")).read_text()
    assert css == '.flag { background: url("../' + storage.stored_name("img/flag.svg") + '"); }'
