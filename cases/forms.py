"""Form pieces the curation admin shares: dates typed as people know them."""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases import dates


class UncertainDateField(forms.CharField):
    """A date as precise as it is known: 2009, 2009-04, 2009-04-10, 2009년 4월,
    2009년경, about 2009. Cleans to (first day, the precision the text gives)."""

    widget = AdminDateWidget

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("placeholder", "2009 · 2009-04 · 2009-04-10 · 2009년경")

    def to_python(self, value):
        """(first day, precision), or a dates.Span where a range was typed, which
        the form puts into its start and end fields."""
        text = super().to_python(value)
        try:
            return dates.parse(text)
        except ValueError:
            pass
        try:
            span = dates.parse_range(text)
        except ValueError:
            span = None
        if span is None:
            raise ValidationError(
                _(
                    "Type the date as it is known: 2009, 2009-04, 2009-04-10, 2009년 4월, "
                    "2009년경 or about 2009."
                ),
                code="invalid",
            )
        return span


class UncertainDatesForm(forms.ModelForm):
    """Each date of the model typed as it is known, its precision taken from the text
    when left unknown; a precision never blanks or moves a typed date."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.date_pairs = [
            (date, precision)
            for date, precision in dates.pairs(self._meta.model)
            if date in self.fields
        ]
        for date, precision in self.date_pairs:
            field = self.fields[date]
            self.fields[date] = UncertainDateField(
                label=field.label, required=field.required, help_text=field.help_text
            )
            value = self.initial.get(date)
            chosen = self.initial.get(precision, dates.DatePrecision.UNKNOWN)
            if value:
                self.initial[date] = dates.as_typed(value, chosen)

    def clean(self):
        cleaned = super().clean()
        self._spread_ranges(cleaned)
        for date, precision in self.date_pairs:
            told = cleaned.get(date)
            if date not in cleaned:
                continue  # refused already
            if told is None:
                cleaned[date] = None
                continue
            value, typed = told
            cleaned[date] = value
            settled, problem = dates.settle(value, cleaned.get(precision), typed=typed)
            if problem:
                self.add_error(date, ValidationError(problem, code="date_precision"))
            elif precision in self.fields or precision in cleaned:
                cleaned[precision] = settled
            else:
                setattr(self.instance, precision, settled)
        return cleaned

    def _spread_ranges(self, cleaned):
        """A range typed into a start date fills the start and the end, where the
        end is empty; anywhere else it is refused with where to type it."""
        for date, _precision in self.date_pairs:
            told = cleaned.get(date)
            if not isinstance(told, dates.Span):
                continue
            end = RANGE_ENDS.get(date)
            if end in self.fields and end in cleaned and cleaned[end] is None:
                cleaned[date], cleaned[end] = told
                continue
            if end in self.fields:
                message = _(
                    "Type the start of the range here and its end in “%(end)s”, which "
                    "already holds a date."
                ) % {"end": self.fields[end].label}
            else:
                message = _("This field takes one date, not a range: type it as it is known.")
            self.add_error(date, ValidationError(message, code="range"))


RANGE_ENDS = {"start_date": "end_date"}  # where the end of a range typed into a start goes
