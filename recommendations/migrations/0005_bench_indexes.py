# Indexes for the benchmark's figures (issue 10); the model's Meta names the query each one serves.
# Both extend an existing index by a column, so every query the old ones served still has one.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0004_reackstep"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="recommendation", name="rec_client_status_idx"),
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(fields=["client", "status", "valid_until"], name="rec_client_status_valid_idx"),
        ),
        migrations.RemoveIndex(model_name="recommendation", name="rec_status_valid_until_idx"),
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(fields=["status", "valid_until", "client"], name="rec_status_valid_client_idx"),
        ),
    ]
