"""The signer's and the vCIO's emails about a sealed document: what was decided, with the PDF."""

from functools import partial

from clients.models import Software
from clients.services import withdrawal_link_placeholder
from recommendations.documents.pdf import DocumentData
from recommendations.models import Decision, DecisionRequest, WaiverDocument
from riskreg.links import absolute_reverse
from riskreg.mail.secrets import minter
from riskreg.mail.services import email_enqueue


def signed_copy_emails_enqueue(*, document: WaiverDocument, request: DecisionRequest, data: DocumentData) -> None:
    """Queue the signer's signed copy and the vCIO's notice, in the caller's transaction."""
    client = request.client
    kind_label = document.get_kind_display()
    attachment = {"filename": f"{document.document_id}.pdf", "path": document.file.name, "mimetype": "application/pdf"}
    # The signer's and the vCIO's only emails about a signing: what was decided, with the sealed PDF.
    context = {
        "client_name": client.name,
        "document_id": document.document_id,
        "kind_label": kind_label,
        "verification_url": data.verification_url,
        "sha256": document.sha256,
        "signed_at": data.signature.signed_at,
        "items": data.items,
        "is_consent": document.kind == WaiverDocument.Kind.CONSENT,
        "is_waiver": document.kind == WaiverDocument.Kind.WAIVER,
    }
    send = partial(email_enqueue, kind="signed_document", template="signed_document", scope=client.scope)
    signer_context = {**context, "recipient_name": request.signature.typed_name, "for_staff": False}
    minters = []
    if document.kind == WaiverDocument.Kind.CONSENT:
        # CASL: every consent email carries the way to withdraw it; the links are made as it is sent.
        given = _consents_given(request)
        signer_context["withdrawals"] = [
            {"name": software.name, "url": withdrawal_link_placeholder(position)}
            for position, software in enumerate(given, start=1)
        ]
        if given:
            minters.append(
                minter(
                    "withdrawal_links",
                    issued_for=str(request.public_id),
                    software=[str(software.public_id) for software in given],
                    slot="signed_copy",
                )
            )
    send(
        idempotency_key=f"request:{request.public_id}:document:signer",
        to=[request.signature.signer_email],
        subject=f"Your signed copy: {kind_label.lower()} {document.document_id}",
        context=signer_context,
        attachments=[attachment],
        minters=minters,
        **({"template": "consent_document"} if document.kind == WaiverDocument.Kind.CONSENT else {}),
    )
    vcio = client.vcio
    if vcio and vcio.email:
        send(
            idempotency_key=f"request:{request.public_id}:document:vcio",
            to=[vcio.email],
            subject=f"{client.name}: sealed {kind_label.lower()} {document.document_id}",
            context={
                **context,
                "recipient_name": vcio.get_full_name() or vcio.get_username(),
                "for_staff": True,
                "link_url": absolute_reverse("register:client_detail", client.public_id),
            },
            attachments=[attachment],
        )


def _consents_given(request: DecisionRequest) -> list[Software]:
    given = request.decisions.filter(outcome=Decision.Outcome.CONSENT_GIVEN).select_related("item__software")
    return [decision.item.software for decision in given.order_by("item__position")]
