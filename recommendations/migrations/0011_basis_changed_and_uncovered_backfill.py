"""A refusal's "basis changed" mark, and the new cached uncovered exposure of every existing client
(clients 0009 added it at 0), filled in.

It uses the pure scoring model on the historical rows, so it does not depend on today's models."""

from decimal import Decimal

from django.db import migrations, models
from django.utils import timezone


def backfill(apps, schema_editor):
    from recommendations.risk.scoring import ScoringItem, Sensitivity, score_client
    from recommendations.selectors import scoring_config

    Client = apps.get_model("clients", "Client")
    PracticeProfile = apps.get_model("clients", "PracticeProfile")
    Recommendation = apps.get_model("recommendations", "Recommendation")
    profile = PracticeProfile.objects.filter(id=1).first() or PracticeProfile(id=1)
    config = scoring_config(profile)
    today = timezone.localdate()
    items = {}
    fields = ("client_id", "public_id", "title", "likelihood", "impact", "status", "target_date", "valid_until")
    for client_id, *row in Recommendation.objects.values_list(*fields).iterator(chunk_size=2000):
        items.setdefault(client_id, []).append(ScoringItem(str(row[0]), *row[1:]))
    flags = {
        "health": "holds_health_data",
        "payment_card": "holds_payment_card_data",
        "personal": "holds_personal_data",
        "legal_privilege": "holds_legal_privilege",
        "financial": "holds_financial_data",
    }
    changed = []
    for client in Client.objects.filter(pk__in=items.keys()).iterator(chunk_size=2000):
        data = frozenset(kind for kind, field in flags.items() if getattr(client, field))
        result = score_client(items[client.pk], Sensitivity(client.industry, data), today, config)
        client.uncovered_exposure = Decimal(str(round(result.weighted_uncovered_exposure, 1)))
        changed.append(client)
    Client.objects.bulk_update(changed, ["uncovered_exposure"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0009_client_value_uncovered_exposure_review_rule"),
        ("recommendations", "0010_signature_method"),
    ]

    operations = [
        migrations.AddField(
            model_name="recommendation",
            name="basis_changed_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="basis_changed_reason",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
