"""PDFs of printable pages: HTML rendered by WeasyPrint, Korean glyphs in Noto Sans CJK.

The font comes from Debian's fonts-noto-cjk through fontconfig (`.ci/run` installs
it, like Chromium); WeasyPrint embeds the subset of it that a document uses, so a
reader needs no Korean font of their own. The HTML is rendered with every URL
refused: a stylesheet is inlined, and nothing typed into a record can make the
renderer read a file or the network.
"""

import shutil
import subprocess

from django.http import HttpResponse

FONT_FAMILY = "Noto Sans CJK KR"
PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk"


def render(html):
    """The PDF of an HTML document (a string), as bytes."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()


def missing():
    """Why PDFs cannot be made on this machine, or None."""
    try:
        import weasyprint  # noqa: F401 (it loads Pango when imported)
    except (ImportError, OSError) as error:
        return f"WeasyPrint cannot load ({error}); install {PACKAGES}."
    fc_list = shutil.which("fc-list")
    found = (
        fc_list
        and subprocess.run(  # noqa: S603 (a fixed command)
            [fc_list, f":family={FONT_FAMILY}", "family"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    )
    if not found:
        return f"The font {FONT_FAMILY} is not installed; install fonts-noto-cjk."
    return None


def response(content, *, filename, attachment=True, private=False):
    """A PDF response: a staff document is downloaded and never kept by a cache."""
    answer = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    answer["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    if private:
        answer["Cache-Control"] = "no-store"
    return answer
