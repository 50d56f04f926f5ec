import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the browser
# tests make around it are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _test_settings(tmp_path_factory):
    from django.test.utils import override_settings

    from riskreg.seal import create_seal_certificate

    # Signing a request renders and seals its PDF, so every test session has a seal (never var/'s).
    seal = tmp_path_factory.mktemp("seal") / "seal.p12"
    create_seal_certificate(
        common_name="Test practice document seal", organisation="Test practice", pkcs12_path=seal, passphrase=b"test"
    )
    with override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        RISKREG_SEAL_PKCS12=seal,
        RISKREG_SEAL_PASSPHRASE="test",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Tests log in with force_login; the 2FA and lockout tests turn these back on for themselves.
        RISKREG_REQUIRE_2FA=False,
        AXES_ENABLED=False,
    ):
        yield
