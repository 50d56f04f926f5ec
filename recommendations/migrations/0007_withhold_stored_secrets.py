"""Emails written before links and codes were minted at send time hold working ones in their
stored copies; replace them with the placeholders new emails carry. Links already delivered keep
working (only their hashes are on record); the stored copies no longer open anything."""

import re

from django.db import migrations
from django.db.models import Q

SIGNING_LINK = re.compile(r"https?://[^\s\"'<>]*?/sign/[A-Za-z0-9_-]{20,}/")
WITHDRAWAL_LINK = re.compile(r"https?://[^\s\"'<>]*?/withdraw/[A-Za-z0-9_-]{20,}/")
CODE = re.compile(r"(?<![0-9])[0-9]{6}(?![0-9])")


def withhold(text: str, *, code: bool) -> str:
    text = SIGNING_LINK.sub("[personal signing link — withheld]", text)
    text = WITHDRAWAL_LINK.sub("[personal withdrawal link — withheld]", text)
    return CODE.sub("[one-time code — withheld]", text) if code else text


def withhold_stored_secrets(apps, schema_editor):
    OutboundEmail = apps.get_model("mail", "OutboundEmail")
    candidates = OutboundEmail.objects.filter(
        Q(kind="signing_code") | Q(body_text__contains="/sign/") | Q(body_text__contains="/withdraw/")
    )
    for email in candidates.iterator():
        code = email.kind == "signing_code"
        fields = {
            "subject": withhold(email.subject, code=code).replace(": [one-time code — withheld]", ""),
            "body_text": withhold(email.body_text, code=code),
            "body_html": withhold(email.body_html, code=code),
        }
        changed = {name: value for name, value in fields.items() if getattr(email, name) != value}
        if changed:
            OutboundEmail.objects.filter(pk=email.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0006_code_delivery_evidence"),
        ("mail", "0002_email_secret_minters"),
    ]

    operations = [migrations.RunPython(withhold_stored_secrets, migrations.RunPython.noop)]
