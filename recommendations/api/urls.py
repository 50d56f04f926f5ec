from django.urls import path, re_path, register_converter

from recommendations.api import pages, views_clients, views_requests


class StaffActionConverter:
    """The moves staff make on a recommendation (recommendations.views.STAFF_ACTIONS)."""

    regex = "present|defer|implement|withdraw"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(StaffActionConverter, "staff_action")

app_name = "api"

urlpatterns = [
    path("clients/", views_clients.ClientListView.as_view(), name="clients"),
    path("clients/<uuid:public_id>/", views_clients.ClientDetailView.as_view(), name="client"),
    path("clients/<uuid:public_id>/events/", views_requests.ClientEventsView.as_view(), name="client_events"),
    path("contacts/", views_clients.ContactListView.as_view(), name="contacts"),
    path("contacts/<uuid:public_id>/", views_clients.ContactDetailView.as_view(), name="contact"),
    path("recommendations/", views_clients.RecommendationListView.as_view(), name="recommendations"),
    path("recommendations/<uuid:public_id>/", views_clients.RecommendationDetailView.as_view(), name="recommendation"),
    path(
        "recommendations/<uuid:public_id>/<staff_action:action>/",
        views_clients.RecommendationTransitionView.as_view(),
        name="recommendation_transition",
    ),
    path("requests/", views_requests.RequestListView.as_view(), name="requests"),
    path("requests/<uuid:public_id>/", views_requests.RequestDetailView.as_view(), name="request"),
    path("requests/<uuid:public_id>/revoke/", views_requests.RequestRevokeView.as_view(), name="request_revoke"),
    path("decisions/", views_requests.DecisionListView.as_view(), name="decisions"),
    path("documents/", views_requests.DocumentListView.as_view(), name="documents"),
    path("documents/<uuid:public_id>/", views_requests.DocumentDetailView.as_view(), name="document"),
    path(
        "documents/<uuid:public_id>/download/",
        views_requests.DocumentDownloadView.as_view(),
        name="document_download",
    ),
    path("snapshots/", views_requests.SnapshotListView.as_view(), name="snapshots"),
    path("openapi.json", pages.SchemaView.as_view(), name="schema"),
    path("docs/", pages.docs, name="docs"),
    # Last: any other path under /api/v1/ is a JSON 404, not the site's HTML error page.
    re_path(r"^[\s\S]*$", pages.not_found, name="not_found"),
]
