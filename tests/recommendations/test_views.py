import pytest
from django.urls import reverse

from recommendations.models import Control, Recommendation
from riskreg.audit.models import AuditEvent
from tests.factories import ControlFactory, RecommendationFactory


def _form_data(**overrides) -> dict:
    data = {
        "title": "Multi-factor authentication everywhere",
        "description": "A second factor at sign-in.",
        "why_it_matters": "Stops password reuse.",
        "consequences": "Account takeover.",
        "likelihood": 4,
        "impact": 5,
        "rationale": "",
        "one_time_cost": "1200.00",
        "recurring_monthly_cost": "",
        "priority": "2",
        "target_date": "2027-01-31",
        "owner": "",
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_picking_a_catalog_control_copies_its_defaults_into_the_form(vcio_client, client_record):
    control = Control.objects.get(code="IAM-MFA")

    response = vcio_client.get(
        reverse("register:recommendation_create", args=[client_record.public_id]), {"control": control.code}
    )

    form = response.context["form"]
    assert form.initial["title"] == control.title
    assert form.initial["likelihood"] == control.default_likelihood
    assert form.initial["consequences"] == control.consequences


@pytest.mark.django_db
def test_creating_a_recommendation_from_the_catalog_links_the_control(vcio_client, client_record):
    url = reverse("register:recommendation_create", args=[client_record.public_id]) + "?control=IAM-MFA"

    response = vcio_client.post(url, _form_data(likelihood=5))

    recommendation = Recommendation.objects.get(client=client_record)
    assert response.status_code == 302
    assert recommendation.control.code == "IAM-MFA"
    assert recommendation.status == "draft"
    assert recommendation.inherent_risk == 25
    assert AuditEvent.objects.filter(event_type="recommendation.created").count() == 1


@pytest.mark.django_db
def test_an_out_of_range_likelihood_is_refused_with_a_message(vcio_client, client_record):
    response = vcio_client.post(
        reverse("register:recommendation_create", args=[client_record.public_id]), _form_data(likelihood=9)
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Recommendation.objects.exists()


@pytest.mark.django_db
def test_presenting_a_draft_moves_it_and_shows_it_on_the_client_page(vcio_client, client_record):
    recommendation = RecommendationFactory(client=client_record, status="draft", title="Offsite backups")

    response = vcio_client.post(
        reverse("register:recommendation_action", args=[recommendation.public_id, "present"]), follow=True
    )

    recommendation.refresh_from_db()
    assert recommendation.status == "presented"
    assert "“Offsite backups” presented to the client." in response.content.decode()


def _actions_offered(page: str, recommendation: Recommendation) -> list[str]:
    urls = {
        "present": reverse("register:recommendation_action", args=[recommendation.public_id, "present"]),
        **{
            action: reverse("register:recommendation_confirm", args=[recommendation.public_id, action])
            for action in ("defer", "implement", "withdraw")
        },
    }
    return [action for action, url in urls.items() if f'"{url}"' in page]


@pytest.mark.django_db
def test_the_client_page_offers_each_recommendation_the_actions_its_status_allows(vcio_client, client_record):
    draft = RecommendationFactory(client=client_record, status="draft", control=ControlFactory(code="TST-MFA"))
    presented = RecommendationFactory(client=client_record, status="presented")
    refused = RecommendationFactory(client=client_record, status="refused")
    implemented = RecommendationFactory(client=client_record, status="implemented")

    page = vcio_client.get(reverse("register:client_detail", args=[client_record.public_id])).content.decode()

    assert _actions_offered(page, draft) == ["present", "withdraw"]
    assert _actions_offered(page, presented) == ["defer", "implement", "withdraw"]
    assert _actions_offered(page, refused) == ["implement", "withdraw"]
    assert _actions_offered(page, implemented) == []
    assert "TST-MFA" in page


@pytest.mark.django_db
def test_a_transition_from_the_wrong_state_shows_an_error_and_changes_nothing(vcio_client, client_record):
    recommendation = RecommendationFactory(client=client_record, status="implemented", title="EDR")

    response = vcio_client.post(
        reverse("register:recommendation_action", args=[recommendation.public_id, "withdraw"]), follow=True
    )

    recommendation.refresh_from_db()
    assert recommendation.status == "implemented"
    assert "is implemented and cannot be withdrawn" in response.content.decode()


@pytest.mark.django_db
def test_withdrawing_asks_for_confirmation_first(vcio_client, client_record):
    recommendation = RecommendationFactory(client=client_record, status="presented")

    response = vcio_client.get(reverse("register:recommendation_confirm", args=[recommendation.public_id, "withdraw"]))

    recommendation.refresh_from_db()
    assert recommendation.status == "presented"
    assert "cannot be undone" in response.content.decode()


@pytest.mark.django_db
def test_status_changes_need_a_post(vcio_client, client_record):
    recommendation = RecommendationFactory(client=client_record, status="draft")

    response = vcio_client.get(reverse("register:recommendation_action", args=[recommendation.public_id, "present"]))

    assert response.status_code == 405


@pytest.mark.django_db
def test_editing_client_facing_text_bumps_the_content_version(vcio_client, client_record):
    recommendation = RecommendationFactory(client=client_record, status="presented")

    vcio_client.post(
        reverse("register:recommendation_edit", args=[recommendation.public_id]), _form_data(title="Reworded")
    )

    recommendation.refresh_from_db()
    assert recommendation.title == "Reworded"
    assert recommendation.content_version == 2


@pytest.mark.django_db
def test_a_decided_recommendation_cannot_be_edited(vcio_client, client_record):
    recommendation = RecommendationFactory(client=client_record, status="refused", title="Kept")

    vcio_client.post(
        reverse("register:recommendation_edit", args=[recommendation.public_id]), _form_data(title="Rewritten")
    )

    recommendation.refresh_from_db()
    assert recommendation.title == "Kept"


@pytest.mark.django_db
def test_an_outsider_cannot_see_or_change_another_vcios_recommendation(outsider_client, client_record):
    recommendation = RecommendationFactory(client=client_record, status="draft")
    urls = [
        reverse("register:recommendation_edit", args=[recommendation.public_id]),
        reverse("register:recommendation_confirm", args=[recommendation.public_id, "withdraw"]),
    ]

    for url in urls:
        assert outsider_client.get(url).status_code == 404
    response = outsider_client.post(
        reverse("register:recommendation_action", args=[recommendation.public_id, "present"])
    )

    recommendation.refresh_from_db()
    assert response.status_code == 404
    assert recommendation.status == "draft"


@pytest.mark.django_db
def test_the_catalog_lists_the_starter_controls(vcio_client):
    response = vcio_client.get(reverse("register:catalog"))

    assert response.context["controls"].count() >= 25
    assert "IAM-MFA" in response.content.decode()


@pytest.mark.django_db
def test_only_admins_edit_catalog_controls(vcio_client):
    assert vcio_client.get(reverse("register:control_edit", args=["IAM-MFA"])).status_code == 403
