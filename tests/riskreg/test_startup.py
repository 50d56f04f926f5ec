import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

REPORT = (
    "import gc, sys; print(gc.get_freeze_count() > 10_000, 'recommendations.signing.views_signer' in sys.modules,"
    " 'recommendations.documents.pdf.layout' in sys.modules)"
)


def run_python(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "riskreg.settings", "RISKREG_VAR_DIR": str(tmp_path)}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_a_gunicorn_worker_loads_every_view_then_freezes_what_it_loaded(tmp_path):
    result = run_python("import riskreg.wsgi;" + REPORT, tmp_path)

    assert result.stdout.split() == ["True", "True", "True"], result.stderr


def test_a_celery_pool_child_freezes_what_it_loaded_once_started(tmp_path):
    before = run_python("import django; django.setup(); import riskreg.celery;" + REPORT, tmp_path)
    result = run_python(
        "import django; django.setup(); import riskreg.celery;"
        "from celery.signals import worker_process_init; worker_process_init.send(sender=None);" + REPORT,
        tmp_path,
    )

    assert before.stdout.split() == ["False", "False", "False"], before.stderr
    assert result.stdout.split() == ["True", "True", "True"], result.stderr
