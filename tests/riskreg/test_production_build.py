"""The Dockerfile's build steps, run as the image runs them."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def production_environment(**extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": "/tmp",
        "RISKREG_ENV": "production",
        "SECRET_KEY": "collectstatic-only",
        **extra,
    }


def test_collectstatic_in_production_mode_succeeds_and_hashes_every_vendor_file(tmp_path):
    static_root = tmp_path / "staticfiles"

    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input"],
        cwd=Path(settings.BASE_DIR),
        env=production_environment(STATIC_ROOT=str(static_root)),
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    manifest = (static_root / "staticfiles.json").read_text()
    assert "vendor/signature_pad/signature_pad.umd.min.js" in manifest
    assert list((static_root / "vendor" / "signature_pad").glob("signature_pad.umd.min.*.js.gz"))
