"""API: clients, contacts and recommendations — read, create and update through the same services
as the staff pages."""

from typing import Any
from uuid import UUID

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from clients import services as client_services
from clients.models import Client, Contact
from recommendations import services
from recommendations.api.base import ApiView, ClientFilter, client_filter, client_or_400, scoped
from recommendations.api.serializers import (
    ClientSerializer,
    ClientWriteSerializer,
    ContactSerializer,
    ContactWriteSerializer,
    RecommendationSerializer,
    RecommendationWriteSerializer,
)
from recommendations.forms import initial_from_control
from recommendations.models import Control, Recommendation
from recommendations.views import STAFF_ACTIONS

TEXT_FIELDS = ("title", "description", "why_it_matters", "consequences", "likelihood", "impact")


class UpdatedSince(serializers.Serializer):
    updated_since = serializers.DateTimeField(
        required=False, help_text="Only rows changed at or after this time (ISO 8601, e.g. 2026-11-01T00:00:00Z)."
    )


def _vcio_rule(user: Any, data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """As on the client form: a vCIO keeps clients for their own book only."""
    if creating and data.get("vcio") is None:
        data = {**data, "vcio": user}
    if "vcio" in data and not user.sees_all_clients and data["vcio"] != user:
        raise serializers.ValidationError({"vcio": ["A vCIO can only assign clients to themselves."]})
    return data


# --- clients ---------------------------------------------------------------------------------------


class ClientQuery(UpdatedSince):
    status = serializers.ChoiceField(choices=Client.Status.choices, required=False)
    band = serializers.ChoiceField(choices=Client.Band.choices, required=False)
    source = serializers.ChoiceField(choices=Client._meta.get_field("source").choices, required=False)
    external_id = serializers.CharField(required=False, max_length=100)


class ClientListView(ApiView):
    serializer_class = ClientSerializer

    @extend_schema(
        operation_id="clients_list",
        parameters=[ClientQuery],
        responses=ClientSerializer(many=True),
        summary="Clients the token's user may see, with score, band and liability coverage",
    )
    def get(self, request: Request) -> Response:
        params = self.filters(ClientQuery)
        clients = scoped(Client.objects.select_related("vcio"), request.user, path="")
        if since := params.pop("updated_since", None):
            # A rescore moves the figures without touching updated_at; scored_at records it.
            clients = clients.filter(Q(updated_at__gte=since) | Q(scored_at__gte=since))
        if "band" in params:
            params["risk_band"] = params.pop("band")
        return self.paginated(clients.filter(**params), ClientSerializer)

    @extend_schema(operation_id="clients_create", request=ClientWriteSerializer, responses={201: ClientSerializer})
    def post(self, request: Request) -> Response:
        data = _vcio_rule(request.user, self.validated(ClientWriteSerializer), creating=True)
        client = client_services.client_create(actor=request.user, data=data)
        return Response(ClientSerializer(client).data, status=status.HTTP_201_CREATED)


def _scoped_clients(user: Any):
    return scoped(Client.objects.select_related("vcio"), user, path="")


class ClientDetailView(ApiView):
    serializer_class = ClientSerializer

    @extend_schema(operation_id="clients_retrieve", responses=ClientSerializer)
    def get(self, request: Request, public_id: UUID) -> Response:
        return Response(ClientSerializer(self.object_or_404(_scoped_clients(request.user), public_id, path="")).data)

    @extend_schema(operation_id="clients_update", request=ClientWriteSerializer, responses=ClientSerializer)
    def patch(self, request: Request, public_id: UUID) -> Response:
        client = self.object_or_404(_scoped_clients(request.user), public_id, path="")
        data = _vcio_rule(request.user, self.validated(ClientWriteSerializer, client), creating=False)
        services.client_profile_update(actor=request.user, client=client, data=data)
        client.refresh_from_db()
        return Response(ClientSerializer(client).data)


# --- contacts --------------------------------------------------------------------------------------


class ContactQuery(ClientFilter, UpdatedSince):
    email = serializers.EmailField(required=False)
    external_id = serializers.CharField(required=False, max_length=100)


def _contacts():
    return Contact.objects.select_related("client")


class ContactListView(ApiView):
    serializer_class = ContactSerializer

    @extend_schema(operation_id="contacts_list", parameters=[ContactQuery], responses=ContactSerializer(many=True))
    def get(self, request: Request) -> Response:
        params = self.filters(ContactQuery)
        contacts = client_filter(_contacts(), request.user, params)
        if since := params.get("updated_since"):
            contacts = contacts.filter(updated_at__gte=since)
        if email := params.get("email"):
            contacts = contacts.filter(email__iexact=email)
        if external_id := params.get("external_id"):
            contacts = contacts.filter(external_id=external_id)
        return self.paginated(contacts, ContactSerializer)

    @extend_schema(operation_id="contacts_create", request=ContactWriteSerializer, responses={201: ContactSerializer})
    def post(self, request: Request) -> Response:
        data = self.validated(ContactWriteSerializer)
        client = client_or_400(request.user, data.pop("client", None))
        contact = client_services.contact_create(actor=request.user, client=client, data=data)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class ContactDetailView(ApiView):
    serializer_class = ContactSerializer

    @extend_schema(operation_id="contacts_retrieve", responses=ContactSerializer)
    def get(self, request: Request, public_id: UUID) -> Response:
        return Response(ContactSerializer(self.object_or_404(_contacts(), public_id)).data)

    @extend_schema(operation_id="contacts_update", request=ContactWriteSerializer, responses=ContactSerializer)
    def patch(self, request: Request, public_id: UUID) -> Response:
        contact = self.object_or_404(_contacts(), public_id)
        data = self.validated(ContactWriteSerializer, contact)
        if data.pop("client", contact.client.public_id) != contact.client.public_id:
            raise serializers.ValidationError({"client": ["A contact cannot move to another client."]})
        client_services.contact_update(actor=request.user, contact=contact, data=data)
        contact.refresh_from_db()
        return Response(ContactSerializer(contact).data)


# --- recommendations -------------------------------------------------------------------------------


class RecommendationQuery(ClientFilter, UpdatedSince):
    status = serializers.ChoiceField(choices=Recommendation.Status.choices, required=False)


def _recommendations():
    return Recommendation.objects.select_related("client", "control", "owner")


def _with_control_defaults(data: dict[str, Any]) -> tuple[Control | None, dict[str, Any]]:
    """As the new-recommendation page: a catalog control's texts fill what the request leaves out."""
    code = data.pop("control", None)
    control = None
    if code:
        control = Control.objects.filter(code=code, is_active=True).first()
        if control is None:
            raise serializers.ValidationError({"control": [f"No active catalog control with the code “{code}”."]})
        data = {**initial_from_control(control), **data}
    missing = [name for name in TEXT_FIELDS if data.get(name) in (None, "")]
    if missing:
        raise serializers.ValidationError(
            {name: ["This field is required (or give a catalog control)."] for name in missing}
        )
    return control, data


class RecommendationListView(ApiView):
    serializer_class = RecommendationSerializer

    @extend_schema(
        operation_id="recommendations_list",
        parameters=[RecommendationQuery],
        responses=RecommendationSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params = self.filters(RecommendationQuery)
        recommendations = client_filter(_recommendations(), request.user, params)
        if since := params.get("updated_since"):
            recommendations = recommendations.filter(updated_at__gte=since)
        if "status" in params:
            recommendations = recommendations.filter(status=params["status"])
        return self.paginated(recommendations, RecommendationSerializer)

    @extend_schema(
        operation_id="recommendations_create",
        request=RecommendationWriteSerializer,
        responses={201: RecommendationSerializer},
        summary="Raise a recommendation for a client (saved as a draft)",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(RecommendationWriteSerializer)
        client = client_or_400(request.user, data.pop("client", None))
        control, data = _with_control_defaults(data)
        recommendation = services.recommendation_create(actor=request.user, client=client, control=control, data=data)
        return Response(RecommendationSerializer(recommendation).data, status=status.HTTP_201_CREATED)


class RecommendationDetailView(ApiView):
    serializer_class = RecommendationSerializer

    @extend_schema(operation_id="recommendations_retrieve", responses=RecommendationSerializer)
    def get(self, request: Request, public_id: UUID) -> Response:
        return Response(RecommendationSerializer(self.object_or_404(_recommendations(), public_id)).data)

    @extend_schema(
        operation_id="recommendations_update",
        request=RecommendationWriteSerializer,
        responses=RecommendationSerializer,
        summary="Edit a draft, presented or deferred recommendation (an edit voids open requests that carry it)",
    )
    def patch(self, request: Request, public_id: UUID) -> Response:
        recommendation = self.object_or_404(_recommendations(), public_id)
        data = self.validated(RecommendationWriteSerializer, recommendation)
        if data.pop("client", recommendation.client.public_id) != recommendation.client.public_id:
            raise serializers.ValidationError({"client": ["A recommendation cannot move to another client."]})
        if data.pop("control", None) not in (None, getattr(recommendation.control, "code", None)):
            raise serializers.ValidationError(
                {"control": ["The catalog control is set when a recommendation is raised."]}
            )
        services.recommendation_update(actor=request.user, recommendation=recommendation, data=data)
        recommendation.refresh_from_db()
        return Response(RecommendationSerializer(recommendation).data)


class RecommendationTransitionView(ApiView):
    serializer_class = RecommendationSerializer

    @extend_schema(
        operation_id="recommendations_transition",
        request=None,
        responses=RecommendationSerializer,
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=sorted(STAFF_ACTIONS))],
        summary="Present, defer, mark implemented or withdraw (the client's accept and refuse come from signing)",
    )
    def post(self, request: Request, public_id: UUID, action: str) -> Response:
        recommendation = self.object_or_404(_recommendations(), public_id)
        updated = services.recommendation_transition(actor=request.user, recommendation=recommendation, action=action)
        return Response(RecommendationSerializer(updated).data)
