"""The persons' duplicate finder and the side-by-side merge, for reviewers.

Both pages open to users with the merge permission only, and show only the
persons the user may see in the admin (`cases.access.admin_records`). The merge
is `cases.merging.person_merge`; this page only collects the reviewer's choices.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from cases import duplicates, merging
from cases.access import admin_records
from cases.admin.base import report_refusal
from cases.models import DistinctPersons, Person

# What the compare page shows besides the fields a reviewer chooses between.
SHOWN_ONLY = ("code", "status", "confidentiality")


def display(person, name):
    """A field's value as the admin shows it: choices by label, the year of birth
    with its precision, an empty value as a dash."""
    if name == "birth_year":
        if person.birth_year is None:
            return "—"
        if person.birth_year_is_approximate:
            return _("%(year)s (approximate)") % {"year": person.birth_year}
        return str(person.birth_year)
    field = Person._meta.get_field(name)
    value = getattr(person, name)
    if field.choices:
        value = getattr(person, f"get_{name}_display")()
    elif value is True or value is False:
        value = _("yes") if value else _("no")
    return "—" if value in (None, "") else str(value)


def comparison(first, second):
    """The rows of the compare page: each field, both values, whether they differ,
    and which side's value the merged record takes by default."""
    differing = set(merging.merge_differences(first, second))
    defaults = set(merging.merge_defaults(first, second))
    rows = []
    for name in (*SHOWN_ONLY, *merging.MERGE_FIELDS):
        choosable = name in merging.MERGE_FIELDS and name in differing
        rows.append(
            {
                "name": name,
                "label": Person._meta.get_field(name).verbose_name,
                "first": display(first, name),
                "second": display(second, name),
                "differs": display(first, name) != display(second, name),
                "choosable": choosable,
                "from_second": name in defaults,
            }
        )
    return rows


class PersonDuplicatesMixin:
    """For PersonAdmin: the finder (`duplicates/`) and the compare page (`merge/A/B/`)."""

    def get_urls(self):
        return [
            path(
                "duplicates/",
                self.admin_site.admin_view(self.duplicates_view),
                name="cases_person_duplicates",
            ),
            path(
                "merge/<int:first>/<int:second>/",
                self.admin_site.admin_view(self.compare_view),
                name="cases_person_merge",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        context = {"can_merge": self.has_merge_permission(request), **(extra_context or {})}
        return super().changelist_view(request, context)

    def _require_merge(self, request):
        if not self.has_merge_permission(request):
            raise PermissionDenied

    def duplicates_view(self, request):
        """Pairs of persons likely to be one, best first, with the reasons."""
        self._require_merge(request)
        name = request.GET.get("name", "").strip()[:100]
        after = request.GET.get("after", "")[: duplicates.STEM]
        finding = duplicates.likely_duplicates(request.user, name=name, after=after)
        return TemplateResponse(
            request,
            "admin/cases/person_duplicates.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Possible duplicates"),
                "opts": self.opts,
                "name": name,
                "after": after,
                "next_stem": finding.next_stem,
                "pairs": [
                    {
                        "pair": pair,
                        "url": reverse(
                            "admin:cases_person_merge", args=[pair.first.pk, pair.second.pk]
                        ),
                    }
                    for pair in finding.pairs
                ],
                "candidates": duplicates.CANDIDATES,
            },
        )

    def compare_view(self, request, first, second):
        """Both records field by field; the reviewer picks the record to keep and,
        for each field that differs, the value the kept record ends with."""
        self._require_merge(request)
        visible = admin_records(Person.objects.select_related("origin_place"), request.user)
        first = get_object_or_404(visible, pk=first)
        second = get_object_or_404(visible, pk=second)
        if first.pk == second.pk:
            raise PermissionDenied
        rows = comparison(first, second)
        if request.method == "POST":
            if "distinct" in request.POST:
                return self._mark_distinct(request, first, second)
            response = self._merge(request, first, second, rows)
            if response is not None:
                return response
        low, high = sorted((first.pk, second.pk))
        return TemplateResponse(
            request,
            "admin/cases/person_merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Compare and merge"),
                "opts": self.opts,
                "first": first,
                "second": second,
                "rows": rows,
                "found_distinct": DistinctPersons.objects.filter(first=low, second=high)
                .select_related("by")
                .first(),
            },
        )

    def _mark_distinct(self, request, first, second):
        """ "Not the same person" (or its undoing): the finder stops (or starts again)
        pairing the two."""
        distinct = request.POST["distinct"] == "1"
        merging.persons_mark_distinct(
            first=first,
            second=second,
            by=request.user,
            distinct=distinct,
            note=request.POST.get("note", "")[:1000],
        )
        if distinct:
            message = _("%(first)s and %(second)s are recorded as two persons.")
        else:
            message = _("%(first)s and %(second)s may be paired again by the finder.")
        self.message_user(request, message % {"first": first.code, "second": second.code})
        return HttpResponseRedirect(reverse("admin:cases_person_duplicates"))

    def _merge(self, request, first, second, rows):
        keep_pk = request.POST.get("keep")
        if keep_pk not in (str(first.pk), str(second.pk)):
            self.message_user(request, _("Choose the record to keep."), messages.ERROR)
            return None
        keep, duplicate = (first, second) if keep_pk == str(first.pk) else (second, first)
        # Each differing field names the side whose value the merged record ends with.
        sides = {
            row["name"]: request.POST.get(
                f"take_{row['name']}", "second" if row["from_second"] else "first"
            )
            for row in rows
            if row["choosable"]
        }
        if any(side not in ("first", "second") for side in sides.values()):
            self.message_user(request, _("Choose a value for each field."), messages.ERROR)
            return None
        chosen = {"first": first, "second": second}
        taken = tuple(name for name, side in sides.items() if chosen[side] is duplicate)
        try:
            merge = merging.person_merge(
                keep=keep, duplicate=duplicate, by=request.user, values_from_duplicate=taken
            )
        except (ValidationError, PermissionDenied) as error:
            report_refusal(self, request, error)
            return None
        self.message_user(
            request,
            _("%(old)s merged into %(new)s.") % {"old": merge.merged_code, "new": merge.kept.code},
        )
        return HttpResponseRedirect(reverse("admin:cases_person_change", args=[keep.pk]))
