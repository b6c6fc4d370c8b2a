"""Attachments in the admin: upload on a source's or testimony's page, a list there,
the download for custodians, and the log of every access (append-only).

A researcher uploads and sees each file's kind, size and who added it when; the
file name, the description and the download are for custodians only
(cases/attachments.py), as the identity drop box (cases/vault.py).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cases.admin.logs import LogAdmin
from cases.attachments import (
    attach_file,
    can_read_attachments,
    check_upload,
    delete_attachment,
    may_attach,
    read_attachment,
)
from cases.models import Attachment, AttachmentAccess

SECRET_FIELDS = ("file_name", "description", "sha256")


@admin.display(description=_("size"))
def size_shown(attachment):
    return filesizeformat(attachment.size)


@admin.display(description=_("download"))
def download_link(attachment):
    url = reverse("admin:cases_attachment_download", args=[attachment.pk])
    return format_html('<a href="{}" download>{}</a>', url, _("Download"))


class AttachmentInline(admin.TabularInline):
    """The attachments of the record, read-only: names and downloads for custodians."""

    model = Attachment
    extra = 0
    verbose_name_plural = _("attachments")
    can_delete = False

    def get_fields(self, request, obj=None):
        if can_read_attachments(request.user):
            # The download early: on a phone the last columns are scrolled to.
            return ("kind", "file_name", download_link, size_shown, "uploaded_by", "uploaded_at",
                    "description")  # fmt: skip
        return ("kind", size_shown, "uploaded_by", "uploaded_at")

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_queryset(self, request):
        # Not super()'s: it asks has_view_permission without the record, which this
        # inline answers "no" (an add page has no attachments to list).
        attachments = Attachment.objects.select_related("source", "testimony", "uploaded_by")
        if not request.user.has_perm("cases.view_attachment"):
            return attachments.none()
        if can_read_attachments(request.user):
            return attachments.defer("sha256")
        return attachments.defer(*SECRET_FIELDS)  # never decrypted for them

    def has_view_permission(self, request, obj=None):
        return obj is not None and super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AttachmentUploadForm(forms.ModelForm):
    upload = forms.FileField(
        label=capfirst(_("file")),
        help_text=_(
            "Audio (MP3, M4A, WAV, OGG), a scan (JPEG, PNG, TIFF, PDF) or a PDF. It is "
            "encrypted; only custodians open it again."
        ),
    )

    class Meta:
        model = Attachment
        fields = ("upload", "kind", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("upload") and cleaned.get("kind"):
            try:
                check_upload(cleaned["upload"], cleaned["kind"])
            except forms.ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def _post_clean(self):
        pass  # the service builds and validates the attachment (attach_file)


class AttachmentUploadFormSet(BaseInlineFormSet):
    user = None

    def save_new(self, form, commit=True):
        return attach_file(
            user=self.user,
            upload=form.cleaned_data["upload"],
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data.get("description") or "",
            **{self.fk.name: self.instance},
        )


class AttachmentUploadInline(admin.StackedInline):
    """New files only: it lists none, so nothing held is ever put back in a form."""

    model = Attachment
    form = AttachmentUploadForm
    formset = AttachmentUploadFormSet
    extra = 0
    verbose_name = _("new attachment")
    verbose_name_plural = _("add attachments")

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"user": request.user})

    def has_add_permission(self, request, obj=None):
        return obj is not None and may_attach(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


ATTACHMENT_INLINES = (AttachmentInline, AttachmentUploadInline)


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Custodians only: every attachment, each downloadable and deletable (logged)."""

    list_display = ("__str__", "kind", size_shown, "uploaded_by", "uploaded_at")
    list_filter = ("kind",)
    list_select_related = ("source", "testimony", "uploaded_by")
    fields = ("source", "testimony", "kind", "file_name", "description", size_shown,
              "uploaded_by", "uploaded_at", download_link)  # fmt: skip
    readonly_fields = fields
    show_full_result_count = False

    def get_queryset(self, request):
        # The list needs no encrypted field: leave them undecrypted.
        return super().get_queryset(request).defer(*SECRET_FIELDS)

    def get_object(self, request, object_id, from_field=None):
        try:
            return Attachment.objects.select_related("source", "testimony").get(pk=object_id)
        except (Attachment.DoesNotExist, ValueError):
            return None

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return can_read_attachments(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return can_read_attachments(request.user)

    def delete_model(self, request, obj):
        delete_attachment(user=request.user, attachment=obj)

    def delete_queryset(self, request, queryset):
        for attachment in queryset:
            delete_attachment(user=request.user, attachment=attachment)

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_view)
        return [
            path("<int:object_id>/download/", download, name="cases_attachment_download"),
            *super().get_urls(),
        ]

    def download_view(self, request, object_id):
        """The decrypted file, as a download never kept in a cache; the read is logged."""
        if not can_read_attachments(request.user):
            raise PermissionDenied
        attachment = get_object_or_404(Attachment, pk=object_id)
        data = read_attachment(user=request.user, attachment=attachment)
        response = HttpResponse(data, content_type="application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=attachment.file_name
        )
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


@admin.register(AttachmentAccess)
class AttachmentAccessAdmin(LogAdmin):
    list_display = ("at", "user", "action", "record_code", "attachment_number")
    list_filter = ("action",)
    search_fields = ("record_code", "user__username")
    list_select_related = ("user",)
