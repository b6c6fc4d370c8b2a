"""The reviewer's preview of a record's public page (cases/preview.py), under
<record>/preview/: the page as the public would read it, in either language,
with its API data and the result of the publication checks."""

import json

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cases import preview

LANGUAGES = ("en", "ko")


def preview_view(model_admin, request, object_id):
    """GET: what publishing the record now would show. Whoever may view the record
    in the admin may preview it (a confidential one is hidden like in its form)."""
    record = model_admin.get_object(request, unquote(object_id))
    if record is None:
        raise Http404
    if not model_admin.has_view_permission(request, record):
        raise PermissionDenied
    current = "ko" if (translation.get_language() or "").startswith("ko") else "en"
    language = request.GET.get("language", current)
    if language not in LANGUAGES:
        language = current
    shown = preview.public_view(record=record)
    opts = model_admin.opts
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Public page of %(code)s, if published now") % {"code": record.code},
        "opts": opts,
        "original": record,
        "preview": shown,
        "language": language,
        "other_language": "ko" if language == "en" else "en",
        "change_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]),
        **_shown_in(shown, language, request),
    }
    return TemplateResponse(request, "admin/cases/record_preview.html", context)


def _shown_in(shown, language, request):
    entry = shown.entry
    if entry is None:
        return {}
    page = ""
    if shown.page_entry is not None:
        with translation.override(language):
            page = render_to_string(
                preview.TEMPLATES[shown.page_kind], shown.page_entry.page[language], request
            )
    return {
        "page": page,
        "entry_title": getattr(entry, f"title_{language}"),
        "entry_when": getattr(entry, f"when_{language}"),
        "api_data": json.dumps(entry.data[language], ensure_ascii=False, indent=2, default=str),
    }
