from django.db import migrations

from recommendations.catalog import STARTER_CATALOG


def install_starter_catalog(apps, schema_editor) -> None:
    Control = apps.get_model("recommendations", "Control")
    for entry in STARTER_CATALOG:
        # get_or_create: never overwrite a control the practice has since edited.
        Control.objects.get_or_create(code=entry["code"], defaults={k: v for k, v in entry.items() if k != "code"})


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0001_initial")]

    operations = [migrations.RunPython(install_starter_catalog, migrations.RunPython.noop)]
