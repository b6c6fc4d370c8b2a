from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from cases.admin.logs import held_names_warning
from jobs import services, workers
from jobs.models import REJECTED_ROWS_KEPT, Job, runs_maintenance, sees_all_jobs

# Seconds between reloads of a job's page while it runs (a meta refresh: no script).
REFRESH_SECONDS = 3


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs are started by an import or the buttons on the list, and each
    user sees their own (custodians, administrators and superusers see all)."""

    list_display = (
        "__str__",
        "status",
        "progress",
        "target",
        "file_name",
        "user",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "kind")
    list_select_related = ("user",)
    list_per_page = 50
    show_full_result_count = False
    change_list_template = "admin/jobs/job/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        return obj is None or obj.user_id == request.user.pk or sees_all_jobs(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("progress"))
    def progress(self, job):
        if job.percent is None:
            return self.get_empty_value_display()
        return f"{job.percent}%"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/confirm/", view(self.confirm_view), name="jobs_job_confirm"),
            path("rebuild-search/", view(self.rebuild_search_view), name="jobs_job_search"),
            path("statistics/", view(self.statistics_view), name="jobs_job_statistics"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        context = {**(extra_context or {}), "runs_maintenance": runs_maintenance(request.user)}
        return super().changelist_view(request, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The job's page: progress while it runs, then the outcome and rejected rows."""
        job = self.get_object(request, unquote(object_id))
        if job is None or not self.has_view_permission(request, job):
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "title": str(job),
            "opts": self.opts,
            "job": job,
            "refresh_seconds": None if job.is_finished else REFRESH_SECONDS,
            "no_worker": workers.no_worker_for(job),
            "held_names_warning": held_names_warning(job.held_names),
            "no_worker_wait": int(workers.WAIT.total_seconds()),
            "rejected_kept": REJECTED_ROWS_KEPT,
            "can_confirm": job.user_id == request.user.pk
            and job.dry_run
            and job.status == Job.Status.DONE
            and job.kind == Job.Kind.IMPORT
            and hasattr(job, "upload"),
        }
        return TemplateResponse(request, "admin/jobs/job/detail.html", context)

    def confirm_view(self, request, object_id):
        """POST: import for real the file a dry run found clean."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        job = self.get_object(request, unquote(object_id))
        if job is None or not self.has_view_permission(request, job):
            raise Http404
        try:
            job = services.job_import_confirm(job=job, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
        return HttpResponseRedirect(job.get_absolute_url())

    def rebuild_search_view(self, request):
        return self._start(request, services.job_rebuild_search_queue)

    def statistics_view(self, request):
        return self._start(request, services.job_statistics_queue)

    def _start(self, request, service):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not runs_maintenance(request.user):
            raise PermissionDenied
        job = service(user=request.user)
        self.message_user(request, _("Queued: %(job)s.") % {"job": job})
        return HttpResponseRedirect(job.get_absolute_url())
