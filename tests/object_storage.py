"""A real S3 HTTP endpoint on 127.0.0.1: moto's standalone server, started by the test run."""

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from riskreg.env import object_storage
from tests.faults import free_port

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "riskreg-test", "AWS_SECRET_ACCESS_KEY": "riskreg-test-secret"}
REGION = "us-east-1"


@dataclass(frozen=True)
class S3Endpoint:
    url: str

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def new_bucket(self) -> str:
        name = f"riskreg-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def storage(self, bucket: str, folder: str = "media") -> dict:
        """The STORAGES["default"] entry the settings build from RISKREG_STORAGE_URL."""
        url = f"s3://{bucket}/{folder}"
        return object_storage(url, name="RISKREG_STORAGE_URL", endpoint_url=self.url, region=REGION)

    def env(self, bucket: str, folder: str = "media") -> dict[str, str]:
        """The same, as the environment variables another process reads."""
        return {
            "RISKREG_STORAGE_URL": f"s3://{bucket}/{folder}",
            "AWS_S3_ENDPOINT_URL": self.url,
            "AWS_S3_REGION_NAME": REGION,
            **CREDENTIALS,
        }

    def keys(self, bucket: str) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))


@contextlib.contextmanager
def moto_server() -> Iterator[S3Endpoint]:
    executable = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    if executable is None:
        raise RuntimeError("moto_server not found: pip install -r requirements-dev.txt (moto[server])")
    port = free_port()
    process = subprocess.Popen(
        [executable, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        yield S3Endpoint(url=f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(timeout=10)
