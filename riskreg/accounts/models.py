from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Role(models.TextChoices):
        VCIO = "vcio", _("vCIO")
        MANAGER = "manager", _("Manager")
        ADMIN = "admin", _("Practice admin")

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VCIO)
    # The staff pages' language; blank follows the practice's default language.
    language = models.CharField(_("Language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=["vcio", "manager", "admin"]), name="user_role_valid"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def sees_all_clients(self) -> bool:
        """Managers and admins see the whole portfolio; a vCIO only the clients assigned to them."""
        return self.role in {self.Role.MANAGER, self.Role.ADMIN} or self.is_superuser

    @property
    def is_practice_admin(self) -> bool:
        return self.role == self.Role.ADMIN or self.is_superuser
