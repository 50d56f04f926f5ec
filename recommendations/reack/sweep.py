"""The daily re-acknowledgment sweep: `reack_sweep` reads the practice's ladder once, then runs
every step due on the day in an order that keeps the steps from undoing one another.
"""

import datetime

from django.utils import timezone

from clients.models import PracticeProfile
from recommendations.reack.basis_changes import send_basis_reack_requests
from recommendations.reack.core import Sweep, SweepReport, ladder_of, start_of
from recommendations.reack.heads_ups import send_heads_ups
from recommendations.reack.lapses import escalate_lapses, lapse_overdue
from recommendations.reack.requests import expire_requests, send_reack_requests, send_reminders


def reack_sweep(*, today: datetime.date) -> SweepReport:
    """Run every re-acknowledgment step due on `today`; safe to run any number of times."""
    now = timezone.now()
    with PracticeProfile.pinned() as profile:
        sweep = Sweep(
            today=today,
            now=now,
            as_of=min(now, start_of(today + datetime.timedelta(days=1))),
            ladder=ladder_of(profile),
            report=SweepReport(today=today),
        )
        # Expiry first frees the items of dead links; lapses before requests so a refusal past
        # its grace is never sent a fresh request on the same run.
        expire_requests(sweep)
        lapse_overdue(sweep)
        escalate_lapses(sweep)
        send_reack_requests(sweep)
        send_basis_reack_requests(sweep)
        send_heads_ups(sweep)
        send_reminders(sweep)
    return sweep.report
