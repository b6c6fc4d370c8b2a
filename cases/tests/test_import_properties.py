"""Spreadsheet imports under fuzzed input (hypothesis) and malformed uploads in the
admin: a clear message, never a 500, never a partial write."""

import io
import zipfile

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import roles
from cases.models import Event, Person
from cases.resources import EventResource, PersonResource

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

cell = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["", "female", "male", "dragon", "KP-01", "KP-99", "1980", "-1", "2003-05"]),
    st.integers(-10_000, 10_000),
)


def snapshot():
    return (
        list(Person.objects.order_by("pk").values_list("code", "pseudonym", "version")),
        list(Event.objects.order_by("pk").values_list("code", "title_en", "version")),
        Person.history.count(),
        Event.history.count(),
    )


def all_or_nothing(resource, data):
    """Either no errors at all, or nothing written."""
    with transaction.atomic():
        before = snapshot()
        result = resource.import_data(
            data, use_transactions=True, rollback_on_validation_errors=True
        )
        if result.has_errors() or result.has_validation_errors():
            assert snapshot() == before, "a failed import wrote something"
        transaction.set_rollback(True)


@FUZZ
@given(rows=st.lists(st.tuples(cell, cell, cell, cell, cell), min_size=1, max_size=5))
def test_fuzzed_person_rows_import_cleanly_or_not_at_all(rows):
    data = tablib.Dataset(
        *[["" if c is None else c for c in row] for row in rows],
        headers=["code", "pseudonym", "sex", "birth_year", "origin_place"],
    )
    all_or_nothing(PersonResource(), data)


@FUZZ
@given(
    rows=st.lists(
        st.tuples(cell, cell, cell, st.sampled_from(["day", "month", "year", "bogus", ""]), cell),
        min_size=1,
        max_size=5,
    )
)
def test_fuzzed_event_rows_import_cleanly_or_not_at_all(rows):
    data = tablib.Dataset(
        *[["" if c is None else c for c in row] for row in rows],
        headers=["code", "title_en", "start_date", "start_precision", "end_date"],
    )
    all_or_nothing(EventResource(), data)


def broken_xlsx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not really>")
    return buffer.getvalue()


def truncated_xlsx():
    data = tablib.Dataset(["", "Witness", "male", 1980], headers=["code", "pseudonym", "sex", "b"])
    return data.export("xlsx")[:200]


MALFORMED = {
    # (file name, import format index, bytes)
    "empty csv": ("persons.csv", "0", b""),
    "binary as csv": ("persons.csv", "0", bytes(range(256)) * 4),
    "latin-1 csv": ("persons.csv", "0", "code,pseudonym\n,Jos\xe9\n".encode("latin-1")),
    "ragged csv": ("persons.csv", "0", b'code,pseudonym,sex\n,"unclosed,male\n,a,b,c,d,e\n'),
    "unknown columns": ("persons.csv", "0", b"what,is,this\n1,2,3\n"),
    "csv as xlsx": ("persons.xlsx", "1", b"code,pseudonym\n,Witness\n"),
    "broken xlsx": ("persons.xlsx", "1", broken_xlsx()),
    "truncated xlsx": ("persons.xlsx", "1", truncated_xlsx()),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_upload_in_the_admin_gives_a_message_not_a_500(as_role, name):
    client = as_role(roles.RESEARCHER)
    filename, fmt, content = MALFORMED[name]
    formats = client.get(reverse("admin:cases_person_import")).context["form"]
    choices = dict(formats.fields["format"].choices)
    assert {"0", "1"} <= {str(k) for k in choices}, choices
    response = client.post(
        reverse("admin:cases_person_import"),
        {
            "format": fmt,
            "resource": "0",
            "import_file": SimpleUploadedFile(filename, content),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Traceback" not in body
    # Either the form refuses the file, or the preview reports errors, or (for a
    # file the CSV reader can read some way) it previews rows to be confirmed.
    form = response.context.get("form")
    result = response.context.get("result")
    assert (form is not None and form.errors) or result is not None, name
    if result is not None and result.has_errors():
        assert "Nothing was saved" in body
    assert not Person.objects.exists()
