"""Pinned third-party browser assets (DESIGN.md "Assets").

The npm tarball and the CDN serve the same bytes, so one SRI hash covers both; a test
checks each local copy against the hash below.
"""

VENDOR_ASSETS = {
    "bootstrap_css": {
        "package": "bootstrap@5.3.3",
        "path": "bootstrap/dist/css/bootstrap.min.css",
        "integrity": "sha384-QWTKZyjpPEjISv5WaRU9OFeRpok6YctnYmDr5pNlyT2bRjXh0JMhjY6hW+ALEwIH",
    },
    "bootstrap_js": {
        "package": "bootstrap@5.3.3",
        "path": "bootstrap/dist/js/bootstrap.bundle.min.js",
        "integrity": "sha384-YvpcrYf0tY3lHB60NNkmXc5s9fDVZLESaAA55NDzOxhy9GkcIdslK1eN7N6jIeHz",
    },
    "chartjs": {
        "package": "chart.js@4.6.1",
        "path": "chart.js/dist/chart.umd.min.js",
        "integrity": "sha384-Emf5ZVIUiarAdhkgtqK+5/Z5qIvM6QoVrS+qAVtfyZVuD5lIHrac0me485+Antp0",
    },
}

CDN_BASE = "https://cdn.jsdelivr.net/npm/"


def asset_url(name, mode):
    from django.templatetags.static import static

    asset = VENDOR_ASSETS[name]
    if mode == "local":
        return static("vendor/" + asset["path"])
    # ``path`` is relative to node_modules and so starts with the package's name; the
    # CDN addresses files inside the package: /npm/chart.js@4.6.1/dist/chart.umd.min.js.
    name = asset["package"].rsplit("@", 1)[0]
    inside = asset["path"].removeprefix(name + "/")
    return CDN_BASE + asset["package"] + "/" + inside
