"""Environment-variable readers that fail loudly: a bad value names its variable."""

import os
from ipaddress import ip_network

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_url(name: str, *, schemes: tuple[str, ...]) -> str:
    raw = os.environ.get(name, "").strip()
    if raw and not raw.startswith(tuple(f"{scheme}://" for scheme in schemes)):
        allowed = ", ".join(f"{scheme}://" for scheme in schemes)
        raise ImproperlyConfigured(f"{name} must start with one of {allowed}, got {raw!r}")
    return raw


def object_storage(url: str, *, name: str, endpoint_url: str = "", region: str = "") -> dict:
    """Django's storage entry for `s3://bucket[/folder]`: sealed documents and uploads in
    S3-compatible object storage, so web and worker processes on different hosts share them.
    Credentials come from boto3's usual sources (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)."""
    bucket, _, folder = url.removeprefix("s3://").partition("/")
    if not url.startswith("s3://") or not bucket:
        raise ImproperlyConfigured(f"{name} must be s3://bucket or s3://bucket/folder, got {url!r}")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": folder.strip("/"),
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            # Evidence is never overwritten: a name in use gets a suffix, as on local disk.
            "file_overwrite": False,
            # Private objects: downloads go through the permission-checked views only.
            "default_acl": None,
            "querystring_auth": True,
        },
    }
def env_networks(name: str) -> list[str]:
    """Comma-separated IP addresses or CIDR networks, each in canonical network form."""
    networks = []
    for value in env_list(name, []):
        try:
            networks.append(str(ip_network(value, strict=False)))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or CIDR networks (e.g. 10.0.0.5,172.18.0.0/16), got {value!r}"
            ) from None
    return networks
