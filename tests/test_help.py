from django.urls import reverse

from committees.models import Role
from tests import factories as f


def test_help_marks_the_readers_own_role(client, db):
    _province, _district, (commune,) = f.tree(communes=("A",))
    client.force_login(f.user("officer", (Role.ENTRY, commune)))
    page = client.get(reverse("help")).content.decode()
    entry = page[page.index('id="help-entry-heading"') : page.index("</h2>", page.index('id="help-entry-heading"'))]
    review = page[page.index('id="help-review-heading"') : page.index("</h2>", page.index('id="help-review-heading"'))]
    assert "vai trò của bạn" in entry and "vai trò của bạn" not in review


def test_help_needs_login(client, db):
    response = client.get(reverse("help"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
