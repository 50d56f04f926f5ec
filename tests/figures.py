"""Test helper: the figures a client row stores from its recommendations (recommendations/risk/stored.py).

Factories write recommendations without the services, so nothing rescored their clients; a test that
hand-sets a client's score calls this to store the counts every service would have written beside it.
"""

from django.utils import timezone

from clients.models import Client
from recommendations.risk.scoring import score_client
from recommendations.risk.stored import COUNT_FIELDS, stored_figures
from recommendations.selectors import scoring_config, scoring_items_for_client, sensitivity_of


def store_recommendation_figures(*clients: Client) -> None:
    """Store each client's recommendation counts and dates, leaving its hand-set score alone."""
    for client in clients:
        items = scoring_items_for_client(client)
        today = timezone.localdate()
        result = score_client(items, sensitivity_of(client), today, scoring_config())
        figures = stored_figures(items, result, today)
        Client.objects.filter(pk=client.pk).update(**{name: figures[name] for name in COUNT_FIELDS})
        for name in COUNT_FIELDS:
            setattr(client, name, figures[name])
