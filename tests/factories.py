"""factory-boy factories: the tests' personas and data, and the demo seed's building blocks."""

import datetime

import factory
from django.utils import timezone

from clients.models import Client, Contact, ServiceAgreement
from recommendations.models import Control, Recommendation
from riskreg.accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@msp.example")
    role = User.Role.VCIO
    password = factory.django.Password("correct-horse-battery")


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n:04d} Ltd")
    industry = Client.Industry.PROFESSIONAL_SERVICES
    vcio = factory.SubFactory(UserFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    name = factory.Faker("name")
    title = "Chief Executive Officer"
    email = factory.Sequence(lambda n: f"contact{n}@client.example")
    can_sign = True


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAgreement
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    reference = factory.Sequence(lambda n: f"MSA-{n:05d}")
    effective_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=400))
    scope = "Managed workstations, servers and Microsoft 365 tenant; monitoring and patching; help desk."
    responsibilities = "The MSP maintains and monitors the covered systems; the client approves changes and budgets."
    exclusions = (
        "Losses arising from recommendations the client declined; third-party software outside the managed scope; "
        "data not stored on managed systems."
    )

    @factory.post_generation
    def first_version(agreement, create, extracted, **kwargs):
        """Version 1 of its terms, as agreement_create writes it."""
        if create:
            from clients.services import agreement_version_record

            agreement_version_record(agreement=agreement, actor=None)


class ControlFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Control
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TST-{n:03d}")
    title = factory.Sequence(lambda n: f"Test control {n}")
    category = Control.Category.IDENTITY
    description = "A control used in tests."
    why_it_matters = "It matters in tests."
    consequences = "Tests fail."
    default_likelihood = 4
    default_impact = 5


class RecommendationFactory(factory.django.DjangoModelFactory):
    """Builds rows directly (no audit event): tests that need the audit trail use services."""

    class Meta:
        model = Recommendation

    client = factory.SubFactory(ClientFactory)
    control = None
    title = factory.Sequence(lambda n: f"Recommendation {n}")
    description = "Turn on the control."
    why_it_matters = "It blocks the most common attacks."
    consequences = "An attacker can take over accounts."
    likelihood = 4
    impact = 5
    status = Recommendation.Status.PRESENTED
    valid_until = factory.Maybe(
        factory.LazyAttribute(lambda rec: rec.status in {"refused", "lapsed"}),
        yes_declaration=factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60)),
        no_declaration=None,
    )
