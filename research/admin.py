"""The staff search in the admin: the search page, its export, saved searches, the log."""

import tablib
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.access import sees_restricted
from core.spreadsheets import CSV, XLSX
from research import matching, services
from research.forms import SaveSearchForm, SearchForm
from research.models import SavedSearch, SearchLog

FORMATS = {"csv": (CSV, "text/csv"), "xlsx": (XLSX, XLSX().get_content_type())}


def search_url(query, filters=None):
    return reverse("admin:research_search") + "?" + urlencode({"q": query, **(filters or {})})


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    """Each user's saved searches, and those shared with their groups; the search page."""

    list_display = ("name", "query", "owner", "shared_with", "alerts", "run")
    fields = ("name", "query", "shared_with", "alerts")
    show_full_result_count = False

    def has_module_permission(self, request):
        return bool(matching.visible_kinds(request.user))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        mine = obj is None or obj.owner_id == request.user.pk
        return self.has_module_permission(request) and mine

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def get_queryset(self, request):
        return services.visible_saved_searches(request.user).select_related("owner", "shared_with")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "shared_with":
            kwargs["queryset"] = request.user.groups.order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.owner = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=gettext_lazy("run"))
    def run(self, obj):
        from django.utils.html import format_html

        return format_html('<a href="{}">{}</a>', search_url(obj.query, obj.filters), _("Run"))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("search/", view(self.search_view), name="research_search"),
            path("search/export/", view(self.export_view), name="research_search_export"),
            path("search/save/", view(self.save_view), name="research_search_save"),
            *super().get_urls(),
        ]

    def _form(self, request):
        if not self.has_module_permission(request):
            raise PermissionDenied
        form = SearchForm(request.GET or None)
        return form, form.query(), form.filters()

    def search_view(self, request):
        form, query, filters = self._form(request)
        results = services.search(
            user=request.user, query=query, filters=filters, page=request.GET.get("page") or 1
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Search the records"),
            "opts": self.opts,
            "form": form,
            "results": results,
            "facet_links": facet_links(query, filters, results.facets),
            "save_form": SaveSearchForm(user=request.user),
            "export": {
                name: reverse("admin:research_search_export")
                + "?"
                + urlencode({"q": query, **filters, "format": name})
                for name in FORMATS
            },
            "saved_searches": services.visible_saved_searches(request.user)
            .select_related("owner")
            .order_by("name", "pk")[:50],
            "notices": services.notices(request.user),
            "logged": sees_restricted(request.user),
        }
        return TemplateResponse(request, "admin/research/search.html", context)

    def export_view(self, request):
        _form, query, filters = self._form(request)
        kind, content_type = FORMATS.get(request.GET.get("format"), FORMATS["csv"])
        dataset = tablib.Dataset(headers=list(services.EXPORT_HEADERS))
        if query:
            for row in services.export_rows(user=request.user, query=query, filters=filters):
                dataset.append(row)
        data = kind().export_data(dataset)
        extension = "xlsx" if kind is XLSX else "csv"
        response = HttpResponse(data, content_type=content_type)
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="search-{stamp}.{extension}"'
        return response

    def save_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        _form, query, filters = self._form(request)
        save_form = SaveSearchForm(request.POST, user=request.user)
        if query and save_form.is_valid():
            services.save_search(user=request.user, query=query, filters=filters,
                                 **save_form.cleaned_data)  # fmt: skip
            messages.success(request, _("The search was saved."))
        else:
            messages.error(request, _("Give the search a name and some words to save it."))
        return HttpResponseRedirect(search_url(query, filters))


def facet_links(query, filters, facets):
    """{facet: [(label, count, url, chosen)]}: each value narrows the search, a
    chosen one widens it again."""
    links = {}
    for name, values in facets.items():
        links[name] = []
        for value, label, count in values:
            chosen = str(filters.get(name)) == str(value)
            narrowed = {k: v for k, v in filters.items() if k != name}
            if not chosen:
                narrowed[name] = value
            links[name].append((label, count, search_url(query, narrowed), chosen))
    return links


@admin.register(SearchLog)
class SearchLogAdmin(admin.ModelAdmin):
    """Searches over restricted text, and exports: read by custodians, never changed."""

    list_display = ("at", "user", "action", "words", "matched", "restricted")
    list_filter = ("action",)
    search_fields = ("words", "user__username")
    list_select_related = ("user",)
    show_full_result_count = False

    def has_module_permission(self, request):
        return sees_restricted(request.user)

    def has_view_permission(self, request, obj=None):
        return sees_restricted(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
