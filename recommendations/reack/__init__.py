"""Re-acknowledgment (SPEC 4.6-4.7): keeping every signed refusal current without anyone
having to remember it.

One daily sweep (Celery beat, or `manage.py reack_sweep`) walks each refusal along the
practice's ladder: heads-ups to the signatory before its valid-until, a re-acknowledgment
request on the date, reminders while a request goes unanswered, link expiry, and once the
grace period is over the lapse and an escalation to the vCIO and the managers.

Exactly once: a step is claimed by inserting its ReackStep row inside the transaction that
writes what the step causes (the outbox email, the status change). The ledger's unique keys
let one transaction win; a concurrent loser's insert (ON CONFLICT DO NOTHING) waits for the
winner to commit and then inserts nothing, and the loser skips the step. So the sweep may run
any number of times, concurrently, and each step still happens once per item, cycle and step.

Batches: the steps for up to BATCH_SIZE clients or signatories share one transaction, claimed
and written with a statement or two per batch rather than per client (a sweep is mostly
statements). A batch that fails runs again one unit per transaction, so a bad one is
reported alone and the rest still go out.

Selection is set-based: each step reads only the refusals inside its valid-until window
(index rec_status_valid_client_idx) or the open requests inside a sent-at window (index
decreq_status_sent_idx), minus what the ledger already holds.

The package: `core` (the ladder, the report, and the claiming, selection, grouping and batching
every step shares), `sweep` (`reack_sweep`, which runs the steps in order), `heads_ups` (heads-ups
and the signatory-gone notice), `requests` (re-acknowledgment requests, reminders, expiry) and
`lapses` (lapses and their escalation). The names below are its public face.
"""

from recommendations.reack.core import (
    SYSTEM,
    Ladder,
    StepDone,
    SweepReport,
    heads_up_step,
    ladder_of,
    parse_days,
    reminder_step,
)
from recommendations.reack.requests import reack_message, reack_request_send
from recommendations.reack.sweep import reack_sweep

__all__ = [
    "SYSTEM",
    "Ladder",
    "StepDone",
    "SweepReport",
    "heads_up_step",
    "ladder_of",
    "parse_days",
    "reack_message",
    "reack_request_send",
    "reack_sweep",
    "reminder_step",
]
