"""The testimony intake page: the whole HURIDOCS bundle of one testimony in one page
(the forms: cases/admin/intake_forms.py; the write: cases.intake)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from cases import intake, merging
from cases.admin.intake_forms import (
    CrossingIntakeForm,
    EventFormSet,
    IdentityIntakeForm,
    IntervieweeForm,
    LegFormSet,
    PersonIntakeForm,
    SourceFormSet,
    TestimonyIntakeForm,
    ViolationFormSet,
    values,
)
from cases.admin.logs import HELD_NAME_WARNING
from cases.vault import can_deposit_identities, fields_naming_a_held_name

SUBMIT = "_submit_for_review"
CHECK = "_check"


class Page:
    """The sections of the page, bound to one request's data (or empty)."""

    def __init__(self, request):
        user = request.user
        data = request.POST if request.method == "POST" else None
        self.deposits = can_deposit_identities(user)
        self.interviewee = IntervieweeForm(data, prefix="interviewee", user=user)
        self.person = PersonIntakeForm(data, prefix="person", user=user)
        self.identity = IdentityIntakeForm(data, prefix="identity") if self.deposits else None
        initial = {"interview_country": "KR", "interviewer": user.get_full_name() or user.username}
        self.testimony = TestimonyIntakeForm(data, prefix="testimony", user=user, initial=initial)
        kwargs = {"form_kwargs": {"user": user}}
        self.events = EventFormSet(data, prefix="events", **kwargs)
        self.violations = ViolationFormSet(data, prefix="violations", **kwargs)
        self.crossing = CrossingIntakeForm(
            data, prefix="crossing", user=user, empty_permitted=True, use_required_attribute=False
        )
        self.legs = LegFormSet(data, prefix="legs", **kwargs)
        self.sources = SourceFormSet(data, prefix="sources", **kwargs)

    def existing_person(self):
        if not self.interviewee.is_valid():
            return None
        return self.interviewee.cleaned_data.get("existing")

    def parts(self):
        """(section name, form or formset) in the page's order, those that apply."""
        parts = [(_("Interviewee"), self.interviewee)]
        if self.existing_person() is None:
            parts.append((_("Interviewee"), self.person))
        if self.identity is not None:
            parts.append((_("Identity"), self.identity))
        parts += [
            (_("Testimony"), self.testimony),
            (_("Event"), self.events),
            (_("Violation"), self.violations),
            (_("Border crossing"), self.crossing),
            (_("Leg"), self.legs),
            (_("Source"), self.sources),
        ]
        return parts

    def is_valid(self):
        checked = [part.is_valid() for _name, part in self.parts()]  # every part, for its errors
        return all(checked)

    def errors(self):
        """Every error of the page, named by section, row and field."""
        named = []
        for section, part in self.parts():
            if hasattr(part, "forms"):
                named += [f"{section}: {error}" for error in part.non_form_errors()]
                rows = [(f"{section} {row + 1}", form) for row, form in enumerate(part.forms)]
            else:
                rows = [(str(section), part)]
            for where, form in rows:
                for field, errors in form.errors.items():
                    label = form.fields[field].label if field in form.fields else None
                    prefix = f"{where}, {label}" if label else where
                    named += [f"{prefix}: {error}" for error in errors]
        return named

    def texts(self):
        """{where: text} for every text typed outside the identity drop box."""
        found = {}
        for section, part in self.parts():
            if part is self.identity:
                continue
            forms_ = part.forms if hasattr(part, "forms") else [part]
            for row, form in enumerate(forms_):
                where = f"{section} {row + 1}" if hasattr(part, "forms") else str(section)
                for name, value in getattr(form, "cleaned_data", {}).items():
                    if isinstance(value, str) and value.strip():
                        found[f"{where}, {form.fields[name].label}"] = value
        return found

    def similar(self, user):
        """Possible duplicates of the new interviewee, unless one was chosen or ruled out."""
        if self.existing_person() is not None or not self.person.is_valid():
            return []
        if self.interviewee.cleaned_data.get("not_a_duplicate"):
            return []
        return merging.similar_persons(
            pseudonym=self.person.cleaned_data.get("pseudonym"),
            visible_to=user,
            birth_year=self.person.cleaned_data.get("birth_year"),
            origin_place=self.person.cleaned_data.get("origin_place"),
        )

    def data(self):
        """The values cases.intake.testimony_intake takes. A row added and left as it
        came is left out; the events keep the numbers the page gave them."""
        existing = self.existing_person()
        events = [(number, form) for number, form in enumerate(self.events.forms) if filled(form)]
        index = {number: position for position, (number, _form) in enumerate(events)}
        return {
            "person": {"existing": existing}
            if existing
            else {"existing": None, "values": values(self.person)},
            "identity": self.identity.cleaned_data if self.identity is not None else None,
            "testimony": values(self.testimony),
            "events": [values(form) for _number, form in events],
            "violations": [
                {
                    "event": index.get(form.cleaned_data["event_row"] - 1, -1),
                    "victim": form.victim_value(),
                    "values": values(form),
                    "perpetrators": form.perpetrators(),
                }
                for form in self.violations.forms
                if filled(form)
            ],
            "crossing": {
                "values": values(self.crossing),
                "legs": [values(form) for form in self.legs.forms if filled(form)],
            }
            if self.crossing.has_changed()
            else None,
            "sources": [
                {
                    "existing": form.cleaned_data.get("existing"),
                    "values": values(form),
                    "testimony": form.cleaned_data.get("of_testimony"),
                    "events": [
                        index[row - 1]
                        for row in form.cleaned_data["event_rows"]
                        if row - 1 in index
                    ],
                }
                for form in self.sources.forms
                if filled(form)
            ],
        }


def filled(form):
    """A row to save: one the page requires, or one typed into."""
    return not form.empty_permitted or form.has_changed()


def intake_view(model_admin, request):
    """GET: the empty page. POST: check, save as drafts, or save and submit the bundle."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    page = Page(request)
    problems, similar = [], []
    if request.method == "POST":
        valid = page.is_valid()
        similar = page.similar(request.user)
        problems = page.errors()
        if valid and not similar and CHECK not in request.POST:
            try:
                testimony = intake.testimony_intake(data=page.data(), by=request.user)
            except ValidationError as error:
                problems = error.messages
            else:
                _warn_of_held_names(model_admin, request, page, testimony)
                return _saved(model_admin, request, testimony)
    return TemplateResponse(
        request,
        "admin/cases/testimony_intake.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": _("New testimony (intake)"),
            "opts": model_admin.opts,
            "page": page,
            "problems": problems,
            "similar": similar,
            "checked": request.method == "POST" and CHECK in request.POST,
            "media": _media(page),
        },
    )


def _media(page):
    media = page.testimony.media
    for _section, part in page.parts():
        media += part.media
    return media


def _warn_of_held_names(model_admin, request, page, testimony):
    """As every record's page does (cases.admin.logs): which field holds a name kept
    in the vault, never whose."""
    where = f"testimony intake {testimony.code}"
    flagged = fields_naming_a_held_name(page.texts(), by=request.user, where=where)
    if flagged:
        fields = ", ".join(f"“{label}”" for label in flagged)
        model_admin.message_user(request, HELD_NAME_WARNING % {"fields": fields}, messages.WARNING)


def _saved(model_admin, request, testimony):
    model_admin.message_user(
        request,
        _("%(code)s was saved with everything entered with it, as drafts.")
        % {"code": testimony.code},
        messages.SUCCESS,
    )
    if SUBMIT in request.POST:
        try:
            codes = intake.bundle_submit(testimony=testimony, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            reasons = error.messages if isinstance(error, ValidationError) else [str(error)]
            model_admin.message_user(
                request, _("Nothing was submitted for review:"), messages.ERROR
            )
            for reason in reasons:
                model_admin.message_user(request, reason, messages.ERROR)
        else:
            model_admin.message_user(
                request,
                _("Submitted for review: %(codes)s.") % {"codes": ", ".join(codes)},
                messages.SUCCESS,
            )
    return HttpResponseRedirect(reverse("admin:cases_testimony_change", args=[testimony.pk]))
