"""The testimony printed for its witness (cases/printing.py), under <testimony>/print/:
a PDF in the admin's language, for whoever may view the testimony, each print logged."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation

from cases import printing
from core import pdf


def print_view(model_admin, request, object_id):
    testimony = model_admin.get_object(request, unquote(object_id))
    if testimony is None:
        raise Http404
    if not model_admin.has_view_permission(request, testimony):
        raise PermissionDenied
    language = "ko" if (translation.get_language() or "").startswith("ko") else "en"
    content = printing.testimony_print(testimony=testimony, by=request.user, language=language)
    return pdf.response(content, filename=f"{testimony.code}-{language}.pdf", private=True)
