"""The forms of the testimony intake page (cases/admin/intake.py): one per section,
formsets for the rows, and the values each gives cases.intake.testimony_intake."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases import intake
from cases.access import admin_records
from cases.forms import UncertainDatesForm
from cases.models import (
    BorderCrossing,
    CrossingLeg,
    Event,
    Information,
    Involvement,
    Organization,
    Person,
    Place,
    Sex,
    Source,
    Testimony,
    Violation,
)


def autocomplete(model, field, *, multiple=False):
    """The admin's own autocomplete (select2, served by the site) for this link."""
    widget = AutocompleteSelectMultiple if multiple else AutocompleteSelect
    return widget(model._meta.get_field(field), admin.site)


def values(form):
    """The model field values the form cleaned, with the precision its dates were typed at."""
    names = [name for name in form._meta.fields if name in form.cleaned_data]
    found = {name: getattr(form.instance, name) for name in names}
    for _date, precision in getattr(form, "date_pairs", []):
        found[precision] = getattr(form.instance, precision)
    return found


class IntakeForm(UncertainDatesForm):
    """Dates typed as people know them, in a plain text box."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for date, _precision in self.date_pairs:
            self.fields[date].widget = forms.TextInput(
                attrs={"placeholder": "2009 · 2009-04 · 2009년 4월 · 2009년경", "size": 22}
            )
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.update({"rows": 3, "cols": 60})
            if isinstance(field, forms.ModelChoiceField) and self.user is not None:
                field.queryset = admin_records(field.queryset, self.user)


class PersonIntakeForm(IntakeForm):
    class Meta:
        model = Person
        fields = (
            "pseudonym",
            "sex",
            "birth_year",
            "birth_year_is_approximate",
            "origin_place",
            "occupation_in_north",
            "education_in_north",
            "is_alive",
            "notes",
        )
        widgets = {"origin_place": autocomplete(Person, "origin_place")}


class IntervieweeForm(forms.Form):
    """An interviewee already recorded, or the duplicate check's answer."""

    existing = forms.ModelChoiceField(
        Person.objects.all(),
        label=_("an interviewee already recorded"),
        required=False,
        widget=autocomplete(Testimony, "interviewee"),
        help_text=_("Leave empty to record a new person with the fields below."),
    )
    not_a_duplicate = forms.BooleanField(
        label=_("Not the same person"),
        required=False,
        help_text=_("Tick after checking the possible duplicates listed above."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["existing"].queryset = admin_records(Person.objects.all(), user)


class IdentityIntakeForm(forms.Form):
    """The drop box's fields: written to the vault, never shown back."""

    real_name = forms.CharField(label=_("real name"), max_length=500, required=False)
    other_names = forms.CharField(
        label=_("other names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: names used in the North, in China, aliases."),
    )
    contacts = forms.CharField(
        label=_("contacts"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    relatives_in_north = forms.CharField(
        label=_("relatives still in the North"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TestimonyIntakeForm(IntakeForm):
    class Meta:
        model = Testimony
        fields = (
            "interviewer",
            "interview_date",
            "interview_country",
            "language",
            "knowledge",
            "title_ko",
            "title_en",
            "start_date",
            "end_date",
            "public_summary_ko",
            "public_summary_en",
            "transcript",
            "consent_scope",
            "consent_given_on",
            "consent_method",
        )
        widgets = {
            "interview_date": forms.DateInput(attrs={"type": "date"}),
            "consent_given_on": forms.DateInput(attrs={"type": "date"}),
            "transcript": forms.Textarea(attrs={"rows": 8}),
        }


class EventIntakeForm(IntakeForm):
    class Meta:
        model = Event
        fields = (
            "title_ko",
            "title_en",
            "start_date",
            "end_date",
            "place",
            "facility",
            "description_ko",
            "description_en",
        )
        widgets = {
            "place": autocomplete(Event, "place"),
            "facility": autocomplete(Event, "facility"),
        }


class ViolationIntakeForm(IntakeForm):
    VICTIMS = (
        ("interviewee", _("the interviewee")),
        ("existing", _("a person already recorded")),
        ("new", _("a new person")),
        ("none", _("not known")),
    )
    event_row = forms.IntegerField(
        label=_("event number"), min_value=1, initial=1, help_text=_("As numbered above.")
    )
    victim_is = forms.ChoiceField(label=_("victim"), choices=VICTIMS, initial="interviewee")
    victim = forms.ModelChoiceField(
        Person.objects.all(),
        label=_("victim already recorded"),
        required=False,
        widget=autocomplete(Violation, "victim"),
    )
    victim_pseudonym = forms.CharField(
        label=_("new victim's pseudonym"), max_length=100, required=False
    )
    victim_sex = forms.ChoiceField(
        label=_("new victim's sex"), choices=Sex.choices, initial=Sex.UNKNOWN, required=False
    )
    perpetrator_organizations = forms.ModelMultipleChoiceField(
        Organization.objects.all(),
        label=_("perpetrators (organizations)"),
        required=False,
        widget=autocomplete(Involvement, "perpetrator_organization", multiple=True),
    )
    perpetrator_persons = forms.ModelMultipleChoiceField(
        Person.objects.all(),
        label=_("perpetrators (persons)"),
        required=False,
        widget=autocomplete(Involvement, "perpetrator_person", multiple=True),
    )
    degree = forms.ChoiceField(
        label=_("the perpetrators' part"),
        choices=Involvement.Degree.choices,
        initial=Involvement.Degree.CARRIED_OUT,
    )

    class Meta:
        model = Violation
        fields = (
            "violation_type",
            "victim_age",
            "start_date",
            "end_date",
            "place",
            "facility",
            "description_ko",
            "description_en",
        )
        widgets = {
            "violation_type": autocomplete(Violation, "violation_type"),
            "place": autocomplete(Violation, "place"),
            "facility": autocomplete(Violation, "facility"),
        }

    field_order = (
        "event_row",
        "violation_type",
        "victim_is",
        "victim",
        "victim_pseudonym",
        "victim_sex",
        "victim_age",
    )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("victim_is")
        if kind == "existing" and not cleaned.get("victim"):
            self.add_error("victim", _("Choose the victim."))
        if kind == "new" and not (cleaned.get("victim_pseudonym") or "").strip():
            self.add_error("victim_pseudonym", _("Give the new victim a pseudonym."))
        return cleaned

    def victim_value(self):
        kind = self.cleaned_data["victim_is"]
        if kind == "interviewee":
            return intake.INTERVIEWEE
        if kind == "existing":
            return self.cleaned_data["victim"]
        if kind == "new":
            return {
                "pseudonym": self.cleaned_data["victim_pseudonym"].strip(),
                "sex": self.cleaned_data.get("victim_sex") or Sex.UNKNOWN,
            }
        return None

    def perpetrators(self):
        degree = self.cleaned_data["degree"]
        return [
            {"perpetrator_organization": organization, "degree": degree}
            for organization in self.cleaned_data["perpetrator_organizations"]
        ] + [
            {"perpetrator_person": person, "degree": degree}
            for person in self.cleaned_data["perpetrator_persons"]
        ]


class CrossingIntakeForm(IntakeForm):
    class Meta:
        model = BorderCrossing
        fields = (
            "departure_place",
            "crossing_date",
            "crossing_point",
            "crossing_place",
            "broker",
            "outcome",
            "arrival_date",
            "settlement_place",
            "description_ko",
            "description_en",
        )
        widgets = {
            "departure_place": autocomplete(BorderCrossing, "departure_place"),
            "crossing_place": autocomplete(BorderCrossing, "crossing_place"),
            "settlement_place": autocomplete(BorderCrossing, "settlement_place"),
        }


class LegIntakeForm(IntakeForm):
    class Meta:
        model = CrossingLeg
        fields = ("country", "entered_on", "what_happened", "notes")
        widgets = {
            "country": autocomplete(CrossingLeg, "country"),
            "notes": forms.TextInput(attrs={"size": 40}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Place.objects.filter(level=Place.Level.COUNTRY)


def _https_addresses(field, **kwargs):
    """Django 6's reading of an address typed without its scheme, asked for now."""
    if field.name == "url":
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class SourceIntakeForm(IntakeForm):
    existing = forms.ModelChoiceField(
        Source.objects.all(),
        label=_("a source already recorded"),
        required=False,
        widget=autocomplete(Information, "source"),
        help_text=_("Or describe a new source with the fields below."),
    )
    of_testimony = forms.BooleanField(
        label=_("the testimony rests on it"),
        required=False,
        initial=True,
        help_text=_("Its recording, transcript, or a ruling it speaks of."),
    )
    event_rows = forms.CharField(
        label=_("supports the events"),
        required=False,
        help_text=_("Their numbers, separated by commas: 1, 2."),
    )

    class Meta:
        model = Source
        formfield_callback = _https_addresses
        fields = (
            "kind",
            "title",
            "public_citation",
            "publisher",
            "published_year",
            "url",
            "is_public_document",
        )

    field_order = ("existing", "kind", "title", "public_citation")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "title"):
            self.fields[name].required = False

    def clean_event_rows(self):
        text = self.cleaned_data.get("event_rows", "")
        try:
            return sorted(
                {int(part) for part in text.replace("\uff0c", ",").split(",") if part.strip()}
            )
        except ValueError:
            raise ValidationError(
                _("Type the events' numbers separated by commas: 1, 2."), code="invalid"
            ) from None

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("existing"):
            for name in ("kind", "title"):
                if not cleaned.get(name):
                    self.add_error(name, _("This field is required."))
        return cleaned

    def _post_clean(self):
        if not self.cleaned_data.get("existing"):
            super()._post_clean()


EventFormSet = forms.formset_factory(EventIntakeForm, extra=0, min_num=1, validate_min=True)
ViolationFormSet = forms.formset_factory(ViolationIntakeForm, extra=0, min_num=1, validate_min=True)
LegFormSet = forms.formset_factory(LegIntakeForm, extra=0)
SourceFormSet = forms.formset_factory(SourceIntakeForm, extra=0, min_num=1, validate_min=True)
