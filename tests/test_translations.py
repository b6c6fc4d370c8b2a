"""The Korean interface is complete: every message in the source is translated.

The catalogue is regenerated from the current source into a temporary folder
(so a string added without a translation fails here), then checked with GNU
gettext's own tools.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "ko" / "LC_MESSAGES" / "django.po"
SOURCE_FOLDERS = ["nkdb", "core", "cases", "stats", "staff", "templates", "static", "locale"]
IGNORE = ["node_modules/*", ".venv/*", "staticfiles/*", "*/tests/*", "tests/*", "bench/*"]

needs_gettext = pytest.mark.skipif(
    shutil.which("msgattrib") is None, reason="GNU gettext is not installed"
)


def untranslated(po_file):
    result = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout + fuzzy.stdout


@needs_gettext
def test_the_shipped_catalogue_is_valid_and_fully_translated():
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(CATALOGUE)], check=True)
    assert untranslated(CATALOGUE) == ""


@needs_gettext
def test_every_message_in_the_current_source_has_a_korean_translation(tmp_path, monkeypatch):
    # makemessages writes into the `locale` folder it finds under the working
    # directory, so it runs on a copy of the source and catalogue.
    for folder in SOURCE_FOLDERS:
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("tests"))
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["ko"], ignore_patterns=IGNORE, verbosity=0)
    regenerated = tmp_path / "locale" / "ko" / "LC_MESSAGES" / "django.po"
    assert regenerated.stat().st_mtime > CATALOGUE.stat().st_mtime
    missing = untranslated(regenerated)
    assert missing == "", f"Run `make messages` and translate:\n{missing[:3000]}"


@pytest.mark.parametrize(
    ("english", "korean"),
    [("Statistics", "통계"), ("Home", "홈")],
)
def test_interface_text_is_shown_in_korean(english, korean):
    with translation.override("ko"):
        assert translation.gettext(english) == korean


@needs_gettext
def test_the_japanese_catalogue_is_valid():
    """The public site is also in Japanese (docs/i18n.md): tests/test_japanese_pages.py
    checks that every message a public page uses is translated."""
    japanese = ROOT / "locale" / "ja" / "LC_MESSAGES" / "django.po"
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(japanese)], check=True)
    with translation.override("ja"):
        assert translation.gettext("Search cases") == "事例を検索"
        assert translation.gettext("Refugees") == "難民"
        assert translation.gettext("Asylum-seekers") == "庇護申請者"
