"""The API's shapes. Read serializers take rows from the selectors in `views` (which own the query
shape); write serializers only check the shape of the input: the services decide."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clients.forms import ClientForm, ContactForm
from clients.models import Client, Contact, ExternalSource, Province, RiskSnapshot
from recommendations.forms import RecommendationForm
from recommendations.models import Decision, DecisionRequest, Recommendation, RequestItem, WaiverDocument
from riskreg.audit.models import AuditEvent

# What the API writes is what the staff pages' forms write, plus the external key.
EXTERNAL_KEY = ["source", "external_id"]
CLIENT_FIELDS = [*ClientForm.Meta.fields, *EXTERNAL_KEY]
CONTACT_FIELDS = [*ContactForm.Meta.fields, *EXTERNAL_KEY]


def source_field(**kwargs: Any) -> serializers.ChoiceField:
    """The system a record came from; blank for records made in RiskReg."""
    return serializers.ChoiceField(choices=ExternalSource.choices, allow_blank=True, **kwargs)


class UsernameField(serializers.SlugRelatedField):
    """A staff member by username (active ones only for writes)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", get_user_model().objects.filter(is_active=True))
        super().__init__(slug_field="username", **kwargs)


# --- clients ---------------------------------------------------------------------------------------


class ClientSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    source = source_field(read_only=True)
    vcio = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    # Declared: a read-only field DRF builds from a model drops its blank choice from the schema.
    province = serializers.ChoiceField(choices=Province.choices, allow_blank=True, read_only=True)
    liability_coverage = serializers.FloatField(read_only=True)
    uncovered_exposure = serializers.FloatField(
        read_only=True, help_text="Open exposure without a current signature, times the client's multiplier."
    )

    class Meta:
        model = Client
        fields = [
            "id",
            *CLIENT_FIELDS,
            "risk_score",
            "risk_band",
            "liability_coverage",
            "uncovered_exposure",
            "scored_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ClientWriteSerializer(serializers.ModelSerializer):
    vcio = UsernameField(required=False, allow_null=True)
    source = source_field(required=False)
    name = serializers.CharField(max_length=200)

    class Meta:
        model = Client
        fields = CLIENT_FIELDS
        # The services check uniqueness and the other constraints, with the same messages as the pages.
        validators: list = []


# --- contacts --------------------------------------------------------------------------------------


class ContactSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    source = source_field(read_only=True)
    client = serializers.UUIDField(source="client.public_id", read_only=True)
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES, allow_blank=True, read_only=True)
    erased = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = ["id", "client", *CONTACT_FIELDS, "erased", "created_at", "updated_at"]
        read_only_fields = fields

    def get_erased(self, contact: Contact) -> bool:
        return contact.erased_at is not None


class ContactWriteSerializer(serializers.ModelSerializer):
    client = serializers.UUIDField(required=False, help_text="The client's id; required to create, fixed after.")
    source = source_field(required=False)

    class Meta:
        model = Contact
        fields = ["client", *CONTACT_FIELDS]
        validators: list = []


# --- recommendations -------------------------------------------------------------------------------


class RecommendationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    client = serializers.UUIDField(source="client.public_id", read_only=True)
    control = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    risk_level = serializers.CharField(source="level", read_only=True)
    inherent_risk = serializers.IntegerField(read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "client",
            "control",
            *RecommendationForm.Meta.fields,
            "one_time_cost_cents",
            "recurring_monthly_cost_cents",
            "target_quarter",
            "inherent_risk",
            "risk_level",
            "status",
            "status_changed_at",
            "valid_until",
            "content_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RecommendationWriteSerializer(serializers.ModelSerializer):
    client = serializers.UUIDField(required=False, help_text="The client's id; required to create, fixed after.")
    control = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=32,
        help_text="A catalog control's code (create only): its texts and default likelihood and impact fill "
        "whatever the request leaves out.",
    )
    owner = UsernameField(required=False, allow_null=True)
    likelihood = serializers.IntegerField(min_value=1, max_value=5, required=False)
    impact = serializers.IntegerField(min_value=1, max_value=5, required=False)

    class Meta:
        model = Recommendation
        fields = [
            "client",
            "control",
            *RecommendationForm.Meta.fields,
            "one_time_cost_cents",
            "recurring_monthly_cost_cents",
        ]
        extra_kwargs = {
            "title": {"required": False},
            "description": {"required": False},
            "why_it_matters": {"required": False},
            "consequences": {"required": False},
        }


# --- decision requests and decisions ----------------------------------------------------------------


class RequestItemSerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField()
    subject = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()

    class Meta:
        model = RequestItem
        fields = ["position", "kind", "subject", "title"]

    def get_kind(self, item: RequestItem) -> str:
        return "recommendation" if item.recommendation_id else "software"

    @extend_schema_field(OpenApiTypes.UUID)
    def get_subject(self, item: RequestItem) -> str:
        return str((item.recommendation or item.software).public_id)

    def get_title(self, item: RequestItem) -> str:
        return item.recommendation.title if item.recommendation_id else item.software.name


class DecisionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    request = serializers.UUIDField(source="request.public_id", read_only=True)
    client = serializers.UUIDField(source="request.client.public_id", read_only=True)
    kind = serializers.SerializerMethodField()
    subject = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = ["id", "request", "client", "kind", "subject", "outcome", "reason", "valid_until", "decided_at"]
        read_only_fields = fields

    def get_kind(self, decision: Decision) -> str:
        return "recommendation" if decision.item.recommendation_id else "software"

    @extend_schema_field(OpenApiTypes.UUID)
    def get_subject(self, decision: Decision) -> str:
        item = decision.item
        return str((item.recommendation or item.software).public_id)


class RequestDecisionSerializer(DecisionSerializer):
    class Meta(DecisionSerializer.Meta):
        fields = ["id", "kind", "subject", "outcome", "reason", "valid_until", "decided_at"]


class DecisionRequestSerializer(serializers.ModelSerializer):
    """A signing request as staff see it: never its link token or one-time code."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    client = serializers.UUIDField(source="client.public_id", read_only=True)
    signatory = serializers.UUIDField(source="signatory.public_id", read_only=True)
    items = RequestItemSerializer(many=True, read_only=True)
    decisions = RequestDecisionSerializer(many=True, read_only=True)
    document = serializers.SerializerMethodField()

    class Meta:
        model = DecisionRequest
        fields = [
            "id",
            "client",
            "signatory",
            "purpose",
            "status",
            "message",
            "sent_at",
            "expires_at",
            "viewed_at",
            "code_verified_at",
            "completed_at",
            "closed_at",
            "close_reason",
            "items",
            "decisions",
            "document",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_document(self, request: DecisionRequest) -> str | None:
        document = getattr(request, "document", None)
        return str(document.public_id) if document else None


class DecisionRequestSendSerializer(serializers.Serializer):
    client = serializers.UUIDField()
    signatory = serializers.UUIDField(help_text="An authorised signatory (contact) of the client.")
    recommendations = serializers.ListField(
        child=serializers.UUIDField(), min_length=1, max_length=100, help_text="Presented recommendations."
    )
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


# --- documents, snapshots, events ------------------------------------------------------------------


class DocumentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    request = serializers.UUIDField(source="request.public_id", read_only=True)
    client = serializers.UUIDField(source="request.client.public_id", read_only=True)
    available = serializers.SerializerMethodField(help_text="False once the PDF was deleted at the end of its hold.")

    class Meta:
        model = WaiverDocument
        fields = ["id", "document_id", "request", "client", "kind", "sha256", "sealed", "rendered_at", "available"]
        read_only_fields = fields

    def get_available(self, document: WaiverDocument) -> bool:
        return bool(document.file)


class SnapshotSerializer(serializers.ModelSerializer):
    client = serializers.UUIDField(source="client.public_id", read_only=True)
    coverage = serializers.FloatField(read_only=True)

    class Meta:
        model = RiskSnapshot
        fields = ["client", "taken_on", "score", "band", "coverage", "total_exposure", "multiplier"]
        read_only_fields = fields


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label", read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "sequence",
            "occurred_at",
            "actor",
            "event_type",
            "object_type",
            "object_id",
            "summary",
            "payload",
            "hash",
        ]
        read_only_fields = fields
