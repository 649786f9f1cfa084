"""Every page the demo users reach, in both languages, at 1280 px and 375 px:

- axe-core reports no serious or critical violation;
- the Nu HTML Checker (vnu.jar) reports no error;
- no console error, no failed request, no sideways scrolling on a phone.

The pages are visited once per (user, language); the HTML is collected and checked by one
vnu run at the end (the JVM starts once).
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import ARTIFACTS

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# (user, [paths]) — every page reachable by that demo user in the main journeys.
PAGES = {
    None: ["/accounts/login/"],
    "lanhdao": ["/help/", "/dashboard/200/2024-H1/", "/dashboard/06913/2024-H1/", "/dashboard/200/2024-H2/"],
    "admin": ["/units/change/", "/dashboard/22/2025-H2/"],
}


def _visit(page, url, problems):
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    html = response.text()  # what the server sent, before axe is injected
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))"
    )
    problems.extend(f"{url}: axe {item}" for item in result)
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    if width > viewport:
        problems.append(f"{url}: scrolls sideways at {viewport}px ({width}px wide)")
    return html


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_page_is_accessible_valid_and_clean(browser, demo_server, language):
    problems, documents = [], {}
    for width in (1280, 375):
        for username, paths in PAGES.items():
            context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
            context.add_cookies([{"name": "django_language", "value": language, "url": demo_server.url}])
            page = context.new_page()
            page.on(
                "console",
                lambda message: message.type == "error" and problems.append(f"console: {message.text}"),
            )
            page.on("requestfailed", lambda request: problems.append(f"failed request: {request.url}"))
            page.on(
                "response",
                lambda response: response.status >= 400 and problems.append(f"{response.status}: {response.url}"),
            )
            if username:
                page.goto(f"{demo_server.url}/accounts/login/")
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", "damha2024")
                page.click("button[type=submit]")
                page.wait_for_load_state("networkidle")
            for path in paths:
                html = _visit(page, demo_server.url + path, problems)
                documents[f"{language}-{width}-{username}-{path.strip('/').replace('/', '_')}.html"] = html
            context.close()

    folder = ARTIFACTS / f"html-{language}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, html in documents.items():
        (folder / name).write_text(html, encoding="utf-8")
    checked = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *sorted(map(str, folder.iterdir()))],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(checked.stderr or '{"messages": []}')["messages"]
    problems.extend(f"{Path(m.get('url', '')).name}: vnu {m['message']}" for m in messages)
    assert len(documents) == 2 * sum(len(paths) for paths in PAGES.values())
    assert problems == [], "\n".join(problems)
