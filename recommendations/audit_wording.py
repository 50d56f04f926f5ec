"""Audit events as the staff pages word them, in the reader's language.

An event's summary is stored in English as part of the evidence and never changes. For the events
whose summary comes from a known template, the pages show the same wording translated: the
template is matched against the stored text and its values (counts, names, document ids) carried
over. A summary that matches no known wording (older events, free text) is shown as stored.
"""

import re
from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from clients.models import Software
from recommendations.models import TRANSITION_LABELS, TRANSITION_WORDS, DecisionRequest, WaiverDocument
from riskreg.mail.kinds import EMAIL_KIND_LABELS

Match = re.Match[str]


def _request_title(english_purpose: str) -> str | None:
    for purpose in DecisionRequest.Purpose:
        if purpose.label == english_purpose:
            return str(DecisionRequest.REQUEST_TITLES[purpose])
    return None


def _request_sent(match: Match) -> str | None:
    title, count = _request_title(match["purpose"]), int(match["count"])
    if title is None:
        return None
    return ngettext("%(request)s sent for %(count)d item", "%(request)s sent for %(count)d items", count) % {
        "request": title,
        "count": count,
    }


def _email_sent(match: Match) -> str | None:
    label = EMAIL_KIND_LABELS.get(match["kind"].replace(" ", "_"))
    return None if label is None else _("Email sent: %(kind)s") % {"kind": label}


def _sealed(match: Match) -> str | None:
    with translation.override(None):
        by_english_label = {str(kind.label): kind for kind in WaiverDocument.Kind}
    kind = by_english_label.get(match["kind"])
    if kind is None:
        return None
    return _("%(kind)s %(document_id)s rendered and sealed") % {"kind": kind.label, "document_id": match["document_id"]}


CONSENT_STATUSES = {
    "requested": lambda: pgettext("install consent", "requested"),
    "given": lambda: pgettext("install consent", "given"),
    "refused": lambda: pgettext("install consent", "refused"),
    "withdrawn": lambda: pgettext("install consent", "withdrawn"),
}


def _consent_changed(match: Match) -> str | None:
    status = CONSENT_STATUSES.get(match["status"])
    if status is None:
        return None
    return _("Install consent %(status)s: %(name)s") % {"status": status(), "name": match["name"]}


REQUEST_CLOSE_REASONS = {
    "revoked by staff": lambda: _("Request revoked by staff"),
    "replaced by a new link": lambda: _("Request revoked: replaced by a new link"),
    "too many wrong one-time codes": lambda: _("Request locked: too many wrong one-time codes"),
}


def _request_closed(match: Match) -> str | None:
    wording = REQUEST_CLOSE_REASONS.get(match["reason"])
    return None if wording is None else wording()


def _request_expired(match: Match) -> str | None:
    title = _request_title(match["purpose"])
    return None if title is None else _("%(request)s expired unanswered") % {"request": title}


def _transition(match: Match) -> str | None:
    action = next((action for action, label in TRANSITION_LABELS.items() if label == match["what"]), None)
    if action is None:
        return None
    return _("“%(title)s” %(transition)s") % {"title": match["title"], "transition": TRANSITION_WORDS[action]}


def _install_status(match: Match) -> str | None:
    with translation.override(None):
        by_english = {str(status.label).lower(): status for status in Software.InstallStatus}
    status = by_english.get(match["status"])
    return None if status is None else str(status.label).lower()


def _software_added(match: Match) -> str | None:
    status = _install_status(match)
    if status is None:
        return None
    return _("Software added to the register: %(name)s (%(status)s)") % {"name": match["name"], "status": status}


def _software_marked(match: Match) -> str | None:
    status = _install_status(match)
    return (
        None if status is None else _("Software %(name)s marked %(status)s") % {"name": match["name"], "status": status}
    )


TRANSITION_PATTERN = re.compile(
    r"“(?P<title>.+)” (?P<what>{})".format("|".join(map(re.escape, TRANSITION_LABELS.values())))
)

# (event type, the stored summary's template as a pattern, its wording in the reader's language)
WORDINGS: list[tuple[str, re.Pattern[str], Callable[[Match], str | None]]] = [
    *[
        (f"recommendation.{status}", TRANSITION_PATTERN, _transition)
        for status in ("presented", "deferred", "accepted", "refused", "implemented", "withdrawn", "lapsed")
    ],
    (
        "recommendation.created",
        re.compile(r"Recommendation raised: (?P<title>.+)"),
        lambda m: _("Recommendation raised: %(title)s") % {"title": m["title"]},
    ),
    (
        "client.created",
        re.compile(r"Client (?P<name>.+) created"),
        lambda m: _("Client %(name)s created") % {"name": m["name"]},
    ),
    ("contact.created", re.compile(r"Contact added"), lambda m: _("Contact added")),
    ("contact.created", re.compile(r"Contact added \(signatory\)"), lambda m: _("Contact added (signatory)")),
    (
        "agreement.created",
        re.compile(r"Service agreement (?P<reference>.+) recorded"),
        lambda m: _("Service agreement %(reference)s recorded") % {"reference": m["reference"]},
    ),
    (
        "software.created",
        re.compile(r"Software added to the register: (?P<name>.+) \((?P<status>[a-z]+)\)"),
        _software_added,
    ),
    *[
        (f"software.{status}", re.compile(r"Software (?P<name>.+) marked (?P<status>[a-z]+)"), _software_marked)
        for status in ("planned", "installed", "removed")
    ],
    ("request.expired", re.compile(r"(?P<purpose>.+) request expired unanswered"), _request_expired),
    (
        "request.sent",
        re.compile(r"(?P<purpose>.+) request sent for (?P<count>\d+) item\(s\)"),
        _request_sent,
    ),
    (
        "request.viewed",
        re.compile(r"Signing link opened by the signatory"),
        lambda m: _("Signing link opened by the signatory"),
    ),
    (
        "request.code_sent",
        re.compile(r"One-time code requested by the signatory \(code (?P<number>\d+)\)"),
        lambda m: _("One-time code requested by the signatory (code %(number)s)") % {"number": m["number"]},
    ),
    (
        "request.code_failed",
        re.compile(r"Wrong one-time code entered \(attempt (?P<attempt>\d+) of (?P<limit>\d+)\)"),
        lambda m: (
            _("Wrong one-time code entered (attempt %(attempt)s of %(limit)s)")
            % {"attempt": m["attempt"], "limit": m["limit"]}
        ),
    ),
    (
        "request.code_verified",
        re.compile(r"Signatory confirmed the one-time code"),
        lambda m: _("Signatory confirmed the one-time code"),
    ),
    (
        "request.document_downloaded",
        re.compile(r"Signatory downloaded the signed copy"),
        lambda m: _("Signatory downloaded the signed copy"),
    ),
    (
        "request.signed",
        re.compile(r"Signed by the signatory: (?P<accept>\d+) accepted, (?P<refuse>\d+) refused"),
        lambda m: (
            _("Signed by the signatory: %(accept)s accepted, %(refuse)s refused")
            % {"accept": m["accept"], "refuse": m["refuse"]}
        ),
    ),
    (
        "request.signed",
        re.compile(r"Signed by the signatory: install consent given for (?P<given>\d+), refused for (?P<refused>\d+)"),
        lambda m: (
            _("Signed by the signatory: install consent given for %(given)s, refused for %(refused)s")
            % {"given": m["given"], "refused": m["refused"]}
        ),
    ),
    ("request.revoked", re.compile(r"Request revoked: (?P<reason>.+)"), _request_closed),
    ("request.locked", re.compile(r"Request locked \(too many code attempts\): (?P<reason>.+)"), _request_closed),
    ("email.sent", re.compile(r"Email sent: (?P<kind>[a-z ]+)"), _email_sent),
    (
        "document.sealed",
        re.compile(r"(?P<kind>.+) (?P<document_id>[A-Z]+-\d{4}-[0-9A-F]+) rendered and sealed"),
        _sealed,
    ),
    (
        "software.consent_requested",
        re.compile(r"Install consent (?P<status>requested): (?P<name>.+)"),
        _consent_changed,
    ),
    ("software.consent_given", re.compile(r"Install consent (?P<status>given): (?P<name>.+)"), _consent_changed),
    (
        "software.consent_refused",
        re.compile(r"Install consent (?P<status>refused): (?P<name>.+)"),
        _consent_changed,
    ),
    (
        "software.consent_withdrawn",
        re.compile(r"Install consent withdrawn through the personal withdrawal link: (?P<name>.+)"),
        lambda m: _("Install consent withdrawn through the personal withdrawal link: %(name)s") % {"name": m["name"]},
    ),
]


def event_label(event_type: str, summary: str) -> str:
    """The event's wording in the active language, or its stored summary when it has no known one."""
    for wording_type, pattern, word in WORDINGS:
        match = pattern.fullmatch(summary) if wording_type == event_type else None
        if match and (label := word(match)) is not None:
            return str(label)
    return summary
