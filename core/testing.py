"""Helpers for the tests of every app."""

import contextlib

from django.db import transaction


@contextlib.contextmanager
def rolled_back():
    """Both databases, the private record and the published copy, in transactions
    rolled back at the end: for data made once for a module of tests."""
    with transaction.atomic(), transaction.atomic(using="public"):
        yield
        transaction.set_rollback(True)
        transaction.set_rollback(True, using="public")


def cache_entries(alias):
    """How many entries a cache holds, whatever its backend: the per-process
    LocMemCache, the file cache (the default of "public") or Redis (CI's)."""
    from pathlib import Path

    from django.core.cache import caches

    cache = caches[alias]
    if hasattr(cache, "_dir"):
        return len(list(Path(cache._dir).glob("*.djcache")))
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):
        return len(cache._cache)
    client = cache._cache.get_client()
    return len(client.keys(cache.make_key("*")))


def needs_pdf():
    """Skip a test that renders a PDF where WeasyPrint's system libraries or the
    Korean font are missing; in CI (CI set) fail it instead, as the browser tests do."""
    import os

    import pytest

    from core import pdf

    reason = pdf.missing()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"PDF tests cannot run: {reason} CI never skips them.", pytrace=False)
    pytest.skip(f"PDF tests skipped: {reason}")


def pdf_text(content):
    """The text of a PDF (bytes), every page, as a reader would copy it."""
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_fonts(content):
    """{font name: whether its file is embedded} for the fonts of a PDF's pages."""
    import io

    from pypdf import PdfReader

    fonts = {}
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            described = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = described["/FontDescriptor"].get_object()
            embedded = any(f"/FontFile{n}" in descriptor for n in ("", "2", "3"))
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


def keep_pdf(name, content):
    """With NKDB_SCREENSHOTS=1, the PDF goes to test-artifacts/pdf/ to be looked at."""
    import os
    from pathlib import Path

    if os.environ.get("NKDB_SCREENSHOTS"):
        folder = Path("test-artifacts/pdf")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
