# Re-acknowledgment ledger (issue 6).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('recommendations', '0003_signing'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReackStep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('cycle', models.DateField()),
                ('step', models.CharField(max_length=32)),
                ('done_at', models.DateTimeField()),
                ('recommendation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reack_steps', to='recommendations.recommendation')),
                ('request', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reack_steps', to='recommendations.decisionrequest')),
            ],
            options={
                'ordering': ['done_at', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('recommendation__isnull', False), ('request__isnull', False), _connector='OR'), name='reackstep_has_subject'), models.UniqueConstraint(condition=models.Q(('recommendation__isnull', False)), fields=('recommendation', 'cycle', 'step'), name='reackstep_once_per_item_cycle_step'), models.UniqueConstraint(condition=models.Q(('recommendation__isnull', True), ('request__isnull', False)), fields=('request', 'step'), name='reackstep_once_per_request_step')],
            },
        ),
    ]
