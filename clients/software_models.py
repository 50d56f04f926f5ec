"""Software the practice installs at a client, and the client's consent to it."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# CASL section 10(5)-(6): a program that does any of these must have each such function described
# clearly and prominently, apart from any licence: its nature, purpose and foreseeable impact.
CAPABILITY_DISCLOSURES: tuple[tuple[str, str, str], ...] = (
    (
        "collects_personal_information",
        "Collects personal information",
        "This program can collect personal information stored on, or typed into, the computers it runs on — "
        "for example user names, email addresses, device and usage details, and the names and contents of "
        "files — and send it to the provider's systems. It does so to let the provider monitor, support and "
        "protect those computers. Foreseeable impact: information about the people who use the computers leaves "
        "them and is held by the provider.",
    ),
    (
        "changes_settings_or_data",
        "Changes settings or data",
        "This program can change settings, preferences, commands and data on the computers it runs on without "
        "asking the user each time — for example installing updates, changing security settings, running "
        "scripts, or quarantining or deleting files. It does so to keep the computers maintained and secure. "
        "Foreseeable impact: a change can alter how a computer or another program behaves, restart the "
        "computer, or remove a file someone wanted.",
    ),
    (
        "communicates_with_other_systems",
        "Communicates with other computer systems",
        "This program makes the computers it runs on communicate with other computer systems — the provider's "
        "servers and the publisher's cloud service — over the internet, without the user starting it. It does "
        "so to report status, receive instructions and download updates. Foreseeable impact: it uses network "
        "capacity and sends data about the computer to those systems.",
    ),
    (
        "allows_remote_access",
        "Allows remote access",
        "This program lets the provider's staff connect to and control the computers it runs on from another "
        "place, and it can be activated by the provider without the user doing anything. It does so to give "
        "support and fix problems remotely. Foreseeable impact: while connected, someone outside the building "
        "can see the screen, use the computer and reach its files.",
    ),
)


def consent_sought_because(*, practice_name: str, client_name: str) -> str:
    """Why the consent is asked for, in the words every consent request and record uses."""
    return (
        f"Canada's Anti-Spam Legislation (CASL, section 8) requires the express consent of the owner or "
        f"authorised user of a computer before anyone installs a computer program on it. {practice_name} seeks "
        f"the consent of {client_name} because it needs to install this program on {client_name}'s computers "
        f"to provide the managed IT services it is engaged for."
    )


class Software(models.Model):
    """An agent or tool the MSP installs, or wants to install, on the client's computers (CASL)."""

    class InstallStatus(models.TextChoices):
        PLANNED = "planned", _("Planned")
        INSTALLED = "installed", _("Installed")
        REMOVED = "removed", _("Removed")

    class ConsentStatus(models.TextChoices):
        NONE = "none", pgettext_lazy("consent status", "Not requested")
        REQUESTED = "requested", pgettext_lazy("consent status", "Requested")
        GIVEN = "given", pgettext_lazy("consent status", "Given")
        REFUSED = "refused", pgettext_lazy("consent status", "Refused")
        WITHDRAWN = "withdrawn", pgettext_lazy("consent status", "Withdrawn")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="software")
    name = models.CharField(max_length=200)
    publisher = models.CharField(max_length=200)
    function_and_purpose = models.TextField()
    collects_personal_information = models.BooleanField(default=False)
    changes_settings_or_data = models.BooleanField(default=False)
    communicates_with_other_systems = models.BooleanField(default=False)
    allows_remote_access = models.BooleanField(default=False)
    install_status = models.CharField(max_length=16, choices=InstallStatus.choices, default=InstallStatus.PLANNED)
    consent_status = models.CharField(max_length=16, choices=ConsentStatus.choices, default=ConsentStatus.NONE)
    consent_by_agreement = models.ForeignKey(
        "clients.ServiceAgreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consented_software",
        help_text=_("An agreement whose consent clause names this software counts as consent."),
    )
    consent_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["client", "name"], name="software_name_unique_per_client"),
        ]

    def __str__(self) -> str:
        return self.name

    def disclosures(self) -> list[tuple[str, str]]:
        """(label, enhanced disclosure) for each capability this program has."""
        return [(label, text) for field, label, text in CAPABILITY_DISCLOSURES if getattr(self, field)]


class ConsentWithdrawalToken(models.Model):
    """The personal link that withdraws consent to one program (CASL: withdrawal must be easy).

    One per program, signing request and email that carries it (`slot`: the request email, the
    signed copy's email). Only a SHA-256 of the token is stored: the token is made when that email
    is sent (clients.services.withdrawal_links_mint) and exists only in the message; a re-send
    makes a new one and the old link stops working.
    """

    software = models.ForeignKey(Software, on_delete=models.CASCADE, related_name="withdrawal_tokens")
    issued_for = models.UUIDField(help_text=_("The signing request the link was issued with."))
    slot = models.CharField(max_length=20, default="request", help_text=_("Which email of the request carries it."))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["software", "issued_for", "slot"], name="withdrawaltoken_once_per_request_email"
            ),
        ]

    def __str__(self) -> str:
        return f"withdrawal link for software {self.software_id}"
