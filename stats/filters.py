import django_filters
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import NotFound

from core.api import AcceptedChoiceFilter
from stats.models import Classification, Dataset, Measure, Observation, Status


class DatasetFilter(django_filters.FilterSet):
    classification = AcceptedChoiceFilter(choices=Classification.choices)
    publisher = django_filters.CharFilter(lookup_expr="icontains")
    family = django_filters.CharFilter(label=_("Family: one table across its editions"))

    class Meta:
        model = Dataset
        fields = ["classification", "publisher", "family"]


def editions_of(params):
    """What an observations answer holds: "current" (one edition of each table,
    the default), "all" (mixed), or the one dataset asked for."""
    return params.get("dataset") or params.get("editions") or "current"


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9999})
class YearFilter(django_filters.NumberFilter):
    """A year from 1 to 9999, a whole number: anything else is a 400, as the schema says."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=9999, **kwargs)


class UpperCaseFilter(django_filters.CharFilter):
    def filter(self, qs, value):
        return super().filter(qs, value.upper() if value else value)


class ObservationFilter(django_filters.FilterSet):
    dataset = django_filters.CharFilter(
        method="filter_dataset",
        label=_("Dataset identifier (one edition); an unknown one is a 404 naming the datasets"),
    )
    editions = AcceptedChoiceFilter(
        method="filter_editions",
        choices=[
            ("current", _("the current edition of each table (the default)")),
            ("all", _("every edition, mixed: never add their figures together")),
        ],
        label=_("Editions, when no dataset is given"),
    )
    measure = AcceptedChoiceFilter(choices=Measure.choices)
    status = AcceptedChoiceFilter(choices=Status.choices)
    year = YearFilter(
        method="filter_year", label=_("Single year (spans such as 1999-2001 never match)")
    )
    year_from = YearFilter(
        method="filter_year_from", label=_("Periods starting in or after this year")
    )
    year_to = YearFilter(
        field_name="period_end", lookup_expr="lte", label=_("Periods ending in or before this year")
    )
    period = django_filters.CharFilter(field_name="period_label", label=_("Period as published"))
    origin = UpperCaseFilter(label=_("Country of origin (ISO alpha-3)"))
    destination = UpperCaseFilter(label=_("Destination or country of asylum (ISO alpha-3)"))
    sex = AcceptedChoiceFilter(
        method="filter_sex",
        choices=[("male", _("male")), ("female", _("female")), ("total", _("both sexes"))],
    )
    age_band = django_filters.CharFilter()
    education = django_filters.CharFilter()
    occupation = django_filters.CharFilter()
    province = django_filters.CharFilter()
    region = django_filters.CharFilter()

    class Meta:
        model = Observation
        fields = []

    def filter_queryset(self, queryset):
        """Without a dataset, one edition of each table, unless `editions=all`."""
        qs = super().filter_queryset(queryset)
        if editions_of(self.form.cleaned_data) == "current":
            qs = qs.current_editions()
        return qs

    def filter_editions(self, qs, name, value):
        return qs  # read by filter_queryset

    def filter_dataset(self, qs, name, value):
        dataset = Dataset.objects.filter(slug=value).first()
        if dataset is None:  # an empty answer would read as "no figures"
            message = gettext("No such dataset. Datasets: %(slugs)s.") % {
                "slugs": ", ".join(Dataset.objects.values_list("slug", flat=True))
            }
            raise NotFound(message)
        return qs.filter(dataset=dataset)

    def filter_year(self, qs, name, value):
        return qs.single_years().filter(period_end=value)

    def filter_year_from(self, qs, name, value):
        return qs.within_years(start=value)

    def filter_sex(self, qs, name, value):
        return qs.filter(sex="" if value == "total" else value)
