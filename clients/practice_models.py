"""The practice's own profile: one row, its letterhead, policies and cadences."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

_pinned_profile: ContextVar["PracticeProfile | None"] = ContextVar("pinned_practice_profile", default=None)


class PracticeProfile(models.Model):
    """The MSP itself: one row. CASL needs a mailing address plus one other contact."""

    class ReviewBasis(models.TextChoices):
        SCORE = "score", _("Risk score only")
        UNCOVERED = "uncovered", _("Uncovered exposure only")
        EITHER = "either", _("Either: score or uncovered exposure at or above its threshold")
        BOTH = "both", _("Both: score and uncovered exposure at or above their thresholds")

    class BasisChangeReack(models.TextChoices):
        OFFER = "offer", _("Offer it on the client page; staff send it")
        SEND = "send", _("Send it with the next daily sweep")

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    legal_name = models.CharField(max_length=200, default="Your MSP Ltd.")
    mailing_address = models.TextField(default="")
    email = models.EmailField(default="")
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    logo = models.ImageField(upload_to="practice/", blank=True)
    request_valid_days = models.PositiveSmallIntegerField(default=14)
    cadence_critical_days = models.PositiveSmallIntegerField(default=90)
    cadence_high_days = models.PositiveSmallIntegerField(default=90)
    cadence_moderate_days = models.PositiveSmallIntegerField(default=180)
    cadence_low_days = models.PositiveSmallIntegerField(default=365)
    cadence_very_low_days = models.PositiveSmallIntegerField(default=365)
    lapse_grace_days = models.PositiveSmallIntegerField(default=14)
    retention_years = models.PositiveSmallIntegerField(default=7)
    review_threshold_score = models.PositiveSmallIntegerField(default=50)
    review_basis = models.CharField(
        _("Review needed when"), max_length=16, choices=ReviewBasis.choices, default=ReviewBasis.SCORE
    )
    review_threshold_uncovered = models.DecimalField(
        _("Uncovered exposure threshold"),
        max_digits=7,
        decimal_places=1,
        default=20,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Uncovered exposure (open risk without a current signature, times the client's multiplier) "
            "at which a client needs a relationship review."
        ),
    )
    heads_up_days = models.CharField(
        max_length=40, default="30,7,1", help_text=_("Days before a refusal's valid-until to warn the signatory.")
    )
    request_reminder_days = models.CharField(
        max_length=40, default="3,7", help_text=_("Days after sending to remind about an unanswered request.")
    )
    band_moderate_from = models.PositiveSmallIntegerField(default=25)
    band_high_from = models.PositiveSmallIntegerField(default=50)
    band_critical_from = models.PositiveSmallIntegerField(default=75)
    multiplier_overrides = models.JSONField(
        default=dict,
        blank=True,
        help_text='Sensitivity multipliers by industry or regulated data, e.g. {"healthcare": 1.6, "personal": 1.2}.',
    )
    basis_change_reack = models.CharField(
        _("Re-acknowledgment when a refusal's basis changes"),
        max_length=8,
        choices=BasisChangeReack.choices,
        default=BasisChangeReack.OFFER,
        help_text=_("A signed refusal whose risk was raised after signing no longer covers it until re-signed."),
    )
    # The language of a contact or staff user who has not chosen one.
    default_language = models.CharField(
        _("Default language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("Requests and emails to a contact who has not chosen a language are in this one."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="practiceprofile_singleton"),
            models.CheckConstraint(
                condition=Q(basis_change_reack__in=["offer", "send"]), name="practiceprofile_basis_reack_valid"
            ),
            models.CheckConstraint(
                condition=Q(request_valid_days__gte=1), name="practiceprofile_request_days_positive"
            ),
            models.CheckConstraint(
                condition=Q(
                    cadence_critical_days__gte=1,
                    cadence_high_days__gte=1,
                    cadence_moderate_days__gte=1,
                    cadence_low_days__gte=1,
                    cadence_very_low_days__gte=1,
                ),
                name="practiceprofile_cadences_positive",
            ),
            models.CheckConstraint(
                condition=Q(review_threshold_score__lte=100), name="practiceprofile_threshold_range"
            ),
            models.CheckConstraint(
                condition=Q(review_threshold_uncovered__gte=0), name="practiceprofile_uncovered_threshold_range"
            ),
            models.CheckConstraint(
                condition=Q(review_basis__in=["score", "uncovered", "either", "both"]),
                name="practiceprofile_review_basis_valid",
            ),
            # Signed records are kept at least a year after a relationship ends, whatever the setting says.
            models.CheckConstraint(
                condition=Q(retention_years__gte=1),
                name="practiceprofile_retention_at_least_1",
                violation_error_message=_("Signed records are kept at least 1 year after a relationship ends."),
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        if _pinned_profile.get() is not None:
            _pinned_profile.set(self)

    @classmethod
    def load(cls) -> "PracticeProfile":
        pinned = _pinned_profile.get()
        if pinned is not None:
            return pinned
        profile, _ = cls.objects.get_or_create(id=1)
        return profile

    @classmethod
    @contextmanager
    def pinned(cls) -> Iterator["PracticeProfile"]:
        """Within the block every load() returns the profile read once at its start.

        For one operation that reads the settings many times (a sweep emailing hundreds of
        signatories, a signing): it applies one consistent set of settings and reads them once
        instead of once per email, item and rescore. A block inside another keeps the outer
        block's profile; a save inside the block is seen by the rest of it. Also a decorator
        (`@PracticeProfile.pinned()`), for a whole service."""
        if (pinned := _pinned_profile.get()) is not None:
            yield pinned
            return
        token = _pinned_profile.set(cls.load())
        try:
            yield _pinned_profile.get()
        finally:
            _pinned_profile.reset(token)

    def cadence_days(self, risk_level: str) -> int:
        return getattr(self, f"cadence_{risk_level}_days")
