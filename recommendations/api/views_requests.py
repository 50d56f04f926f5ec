"""API: decision requests (send, follow, revoke), decisions, documents, risk snapshots and a
client's audit events."""

from uuid import UUID

from django.db.models import Prefetch, Q
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from clients.models import Client, RiskSnapshot
from recommendations import signing
from recommendations.api.base import ApiView, ClientFilter, client_filter, client_or_400, not_found
from recommendations.api.pagination import EventCursorPagination
from recommendations.api.serializers import (
    AuditEventSerializer,
    DecisionRequestSendSerializer,
    DecisionRequestSerializer,
    DecisionSerializer,
    DocumentSerializer,
    RevokeSerializer,
    SnapshotSerializer,
)
from recommendations.api.views_clients import UpdatedSince
from recommendations.models import Decision, DecisionRequest, RequestItem, WaiverDocument
from riskreg.audit.models import AuditEvent
from riskreg.client_ip import client_ip
from riskreg.evidence import USER_AGENT_MAX, StepOrigin

DECISION_RELATIONS = ("request__client", "item__recommendation", "item__software")


def _requests():
    """Requests with their items, decisions and document: four queries however many rows."""
    return DecisionRequest.objects.select_related("client", "signatory", "document").prefetch_related(
        Prefetch("items", RequestItem.objects.select_related("recommendation", "software").order_by("position")),
        Prefetch("decisions", Decision.objects.select_related(*DECISION_RELATIONS).order_by("item__position")),
    )


class RequestQuery(ClientFilter, UpdatedSince):
    status = serializers.ChoiceField(choices=DecisionRequest.Status.choices, required=False)
    purpose = serializers.ChoiceField(choices=DecisionRequest.Purpose.choices, required=False)


class RequestListView(ApiView):
    serializer_class = DecisionRequestSerializer

    @extend_schema(
        operation_id="requests_list", parameters=[RequestQuery], responses=DecisionRequestSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        params = self.filters(RequestQuery)
        requests = client_filter(_requests(), request.user, params)
        if since := params.get("updated_since"):
            requests = requests.filter(
                Q(sent_at__gte=since) | Q(viewed_at__gte=since) | Q(completed_at__gte=since) | Q(closed_at__gte=since)
            )
        for name in ("status", "purpose"):
            if name in params:
                requests = requests.filter(**{name: params[name]})
        return self.paginated(requests, DecisionRequestSerializer)

    @extend_schema(
        operation_id="requests_send",
        request=DecisionRequestSendSerializer,
        responses={201: DecisionRequestSerializer},
        summary="Email a signatory a signing link for presented recommendations (the link is never returned)",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(DecisionRequestSendSerializer)
        client = client_or_400(request.user, data["client"])
        signatory = client.contacts.filter(public_id=data["signatory"]).first()
        if signatory is None:
            raise serializers.ValidationError({"signatory": ["No contact of this client with this id."]})
        wanted = set(data["recommendations"])
        recommendations = list(client.recommendations.filter(public_id__in=wanted))
        if unknown := wanted - {recommendation.public_id for recommendation in recommendations}:
            raise serializers.ValidationError(
                {"recommendations": [f"Not recommendations of this client: {', '.join(sorted(map(str, unknown)))}."]}
            )
        decision_request = signing.decision_request_send(
            actor=request.user,
            client=client,
            signatory=signatory,
            recommendations=recommendations,
            message=data["message"],
            origin=api_origin(request),
        )
        created = _requests().get(pk=decision_request.pk)
        return Response(DecisionRequestSerializer(created).data, status=status.HTTP_201_CREATED)


def api_origin(request: Request) -> StepOrigin:
    """Where an API call came from, for the sender's evidence; a token call has no browser session."""
    return StepOrigin(
        ip=client_ip(request._request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX], session=""
    )


class RequestDetailView(ApiView):
    serializer_class = DecisionRequestSerializer

    @extend_schema(operation_id="requests_retrieve", responses=DecisionRequestSerializer)
    def get(self, request: Request, public_id: UUID) -> Response:
        return Response(DecisionRequestSerializer(self.object_or_404(_requests(), public_id)).data)


class RequestRevokeView(ApiView):
    serializer_class = DecisionRequestSerializer

    @extend_schema(
        operation_id="requests_revoke",
        request=RevokeSerializer,
        responses=DecisionRequestSerializer,
        summary="Revoke an open request: its link stops working at once",
    )
    def post(self, request: Request, public_id: UUID) -> Response:
        decision_request = self.object_or_404(_requests(), public_id)
        reason = self.validated(RevokeSerializer)["reason"].strip()
        signing.decision_request_revoke(
            actor=request.user, request=decision_request, **({"reason": reason} if reason else {})
        )
        return Response(DecisionRequestSerializer(_requests().get(pk=decision_request.pk)).data)


class SinceQuery(serializers.Serializer):
    since = serializers.DateTimeField(required=False, help_text="Only rows from this time on (ISO 8601).")


class DecisionQuery(ClientFilter, SinceQuery):
    request = serializers.UUIDField(required=False, help_text="Only this request's decisions.")


class DecisionListView(ApiView):
    serializer_class = DecisionSerializer

    @extend_schema(operation_id="decisions_list", parameters=[DecisionQuery], responses=DecisionSerializer(many=True))
    def get(self, request: Request) -> Response:
        params = self.filters(DecisionQuery)
        decisions = client_filter(
            Decision.objects.select_related(*DECISION_RELATIONS), request.user, params, path="request__client"
        )
        if since := params.get("since"):
            decisions = decisions.filter(decided_at__gte=since)
        if "request" in params:
            decisions = decisions.filter(request__public_id=params["request"])
        return self.paginated(decisions, DecisionSerializer)


def _documents():
    return WaiverDocument.objects.select_related("request__client")


class DocumentListView(ApiView):
    serializer_class = DocumentSerializer

    @extend_schema(
        operation_id="documents_list", parameters=[ClientFilter, SinceQuery], responses=DocumentSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        params = {**self.filters(ClientFilter), **self.filters(SinceQuery)}
        documents = client_filter(_documents(), request.user, params, path="request__client")
        if since := params.get("since"):
            documents = documents.filter(rendered_at__gte=since)
        return self.paginated(documents, DocumentSerializer)


class DocumentDetailView(ApiView):
    serializer_class = DocumentSerializer

    @extend_schema(operation_id="documents_retrieve", responses=DocumentSerializer)
    def get(self, request: Request, public_id: UUID) -> Response:
        return Response(DocumentSerializer(self.object_or_404(_documents(), public_id, path="request__client")).data)


class PDFRenderer(renderers.BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class DocumentDownloadView(ApiView):
    serializer_class = DocumentSerializer
    # JSON for the error answers, the PDF itself otherwise.
    renderer_classes = [renderers.JSONRenderer, PDFRenderer]

    @extend_schema(
        operation_id="documents_download",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The sealed PDF")},
        summary="The sealed PDF, exactly as issued (its SHA-256 is the document's sha256)",
    )
    def get(self, request: Request, public_id: UUID) -> FileResponse:
        document = self.object_or_404(_documents(), public_id, path="request__client")
        if not document.file:
            raise not_found()
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=f"{document.document_id}.pdf")


class SnapshotQuery(ClientFilter):
    since = serializers.DateField(required=False, help_text="Only snapshots taken on or after this day.")


class SnapshotListView(ApiView):
    serializer_class = SnapshotSerializer

    @extend_schema(operation_id="snapshots_list", parameters=[SnapshotQuery], responses=SnapshotSerializer(many=True))
    def get(self, request: Request) -> Response:
        params = self.filters(SnapshotQuery)
        snapshots = client_filter(RiskSnapshot.objects.select_related("client"), request.user, params)
        if since := params.get("since"):
            snapshots = snapshots.filter(taken_on__gte=since)
        return self.paginated(snapshots, SnapshotSerializer)


class ClientEventsView(ApiView):
    serializer_class = AuditEventSerializer
    pagination_class = EventCursorPagination

    @extend_schema(
        operation_id="clients_events",
        parameters=[SinceQuery],
        responses=AuditEventSerializer(many=True),
        summary="The client's audit events, oldest first (the hash-chained record)",
    )
    def get(self, request: Request, public_id: UUID) -> Response:
        client = self.object_or_404(Client.objects.all(), public_id, path="")
        params = self.filters(SinceQuery)
        events = AuditEvent.objects.filter(scope=client.scope)
        if since := params.get("since"):
            events = events.filter(occurred_at__gte=since)
        return self.paginated(events, AuditEventSerializer)
