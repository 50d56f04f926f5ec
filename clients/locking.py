"""The one lock order for every write about a client (SPEC section 9).

Every service that writes about a client takes that client's row first (`SELECT ... FOR UPDATE`),
then its requests, recommendations, contacts or programs, and the audit-chain head last (the
append takes it). With one order everywhere, two writers about the same client queue on its row
instead of each holding what the other waits for; PostgreSQL answered such pairs with a
deadlock error (a 500) in a few percent of concurrent staff writes. An insert referencing the
client (a contact, a program) takes only a key-share lock, which does not order writers, so it
does not count: the explicit lock comes first.
"""

from collections.abc import Iterable

from clients.models import Client


def lock_clients(client_ids: Iterable[int]) -> None:
    """Lock the rows of several clients, in primary-key order, so two writers locking
    overlapping sets queue instead of deadlocking."""
    ids = set(client_ids)
    if ids:
        list(Client.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def lock_client(client_id: int) -> None:
    """The first statement of every write about one client."""
    lock_clients([client_id])
