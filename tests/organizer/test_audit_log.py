"""The audit page lists organizer writes with who, what and when, filterable."""

from tests.common.web import post_form


def test_audit_page_lists_writes_and_filters(app, client, auth, users):
    auth.login("admin")
    client.get("/?lang=en")
    post_form(
        client,
        f"/organizer/users/{users['organizer']}/role",
        {"role": "admin"},
        token_from="/organizer/users",
    )
    page = client.get("/organizer/audit").get_data(as_text=True)
    assert "user.set_role" in page
    assert "admin@trygghet.test" in page
    assert "user.create" in page
    filtered = client.get("/organizer/audit?action=user.set_role").get_data(as_text=True)
    assert "<code>user.set_role</code>" in filtered
    assert "<code>user.create</code>" not in filtered
    by_cli = client.get("/organizer/audit?actor=nobody").get_data(as_text=True)
    assert "Nothing recorded yet." in by_cli


def test_an_absurd_page_number_is_an_empty_page(client, auth):
    auth.login("admin")
    assert client.get("/organizer/audit?page=99999999999999999999").status_code == 200
