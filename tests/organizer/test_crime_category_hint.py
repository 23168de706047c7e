"""The crime category form's hint says what its check asks for."""

# Registered by survey/organizer/routes.py; imported here so the routes exist before the app.
import survey.organizer.crime_categories  # noqa: F401
from tests.common.web import post_form

PAGE = "/organizer/crime-categories"


def test_the_hint_for_not_a_crime_matches_what_the_form_accepts(client, auth):
    # The hint said "Leave empty for not a crime", and a type saved so was refused with
    # "Write a category, or tick Not a crime."
    auth.login("admin")
    page = client.get(PAGE + "?lang=sv").get_data(as_text=True)
    assert "Lämna tomt om det inte är ett brott." not in page
    assert "Är det inget brott: lämna tomt och kryssa i Inte ett brott." in page
    response = post_form(client, PAGE, {"source": "police", "name": "Brand", "not_crime": "y"})
    assert response.status_code == 303
