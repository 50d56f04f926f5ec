"""The French catalog is complete: makemessages, run as common.md runs it (into a copy, so the
committed file is never touched), leaves no untranslated and no fuzzy entry and adds nothing the
committed riskreg/locale/fr_CA/LC_MESSAGES/django.po lacks; and the catalog compiles."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings

from tests.i18n.pseudo import CATALOG

IGNORED = [".venv/*", "node_modules/*", "tests/*"]  # as common.md runs it
COPY_SKIPS = (".venv", "node_modules", ".git", "vendor", "var", ".bench", "__pycache__", "*.mo", "media")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> polib.POFile:
    """makemessages as common.md runs it, in a copy of the source tree: the committed file stays as it is."""
    base = Path(django_settings.BASE_DIR)
    copy = tmp_path_factory.mktemp("source") / "riskreg-copy"
    shutil.copytree(base, copy, ignore=shutil.ignore_patterns(*COPY_SKIPS), symlinks=True)
    command = [sys.executable, "manage.py", "makemessages", "-l", "fr_CA", "--no-location", "--no-obsolete"]
    command += [argument for pattern in IGNORED for argument in ("-i", pattern)]
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "riskreg.settings"}
    result = subprocess.run(command, cwd=copy, capture_output=True, text=True, env=environment)
    assert result.returncode == 0, result.stderr
    return polib.pofile(str(copy / CATALOG.relative_to(base)))


def entries(catalog: polib.POFile) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in catalog if not entry.obsolete}


def test_makemessages_leaves_no_untranslated_entry(regenerated):
    untranslated = [entry.msgid for entry in regenerated.untranslated_entries() if not entry.obsolete]

    assert untranslated == [], f"{len(untranslated)} msgids have no French: {untranslated[:40]}"


def test_makemessages_leaves_no_fuzzy_entry(regenerated):
    fuzzy = [entry.msgid for entry in regenerated.fuzzy_entries()]

    assert fuzzy == [], f"{len(fuzzy)} fuzzy entries (check the French, then remove the flag): {fuzzy[:40]}"


def test_the_committed_catalog_has_every_marked_string(regenerated):
    missing = entries(regenerated) - entries(polib.pofile(str(CATALOG)))

    assert not missing, f"Run makemessages (common.md) and commit the catalog; missing: {sorted(missing, key=str)[:40]}"


def test_the_catalog_compiles(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(CATALOG)], capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
