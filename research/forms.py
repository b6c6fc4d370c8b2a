from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from research.matching import FILTERS
from research.models import Kind


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), max_length=200, required=False)
    kind = forms.ChoiceField(choices=[("", ""), *Kind.choices], required=False)
    status = forms.CharField(max_length=12, required=False)
    decade = forms.IntegerField(min_value=0, max_value=3000, required=False)
    entered_by = forms.IntegerField(min_value=1, required=False)
    place = forms.IntegerField(min_value=1, required=False)
    facility = forms.IntegerField(min_value=1, required=False)
    organization = forms.IntegerField(min_value=1, required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def filters(self):
        data = self.cleaned_data if self.is_valid() else {}
        return {name: data[name] for name in FILTERS if data.get(name) not in (None, "")}

    def query(self):
        return (self.cleaned_data.get("q") or "").strip() if self.is_valid() else ""


class SaveSearchForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    shared_with = forms.ModelChoiceField(
        label=_("Share with"), queryset=Group.objects.none(), required=False
    )
    alerts = forms.BooleanField(label=_("Alert me of new matches"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared_with"].queryset = user.groups.order_by("name")
