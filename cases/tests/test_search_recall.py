"""Korean recall at scale: the bigram search finds exactly what a substring match
finds, over synthetic scale data made once for this file (in a file of its own, so
that the other search tests never see it)."""

import pytest
from django.db import connection

from cases.models import BorderCrossing, Event, Testimony, Violation
from cases.reference import load_reference_data
from cases.scale import seed_scale
from core import words
from core.testing import rolled_back

# Words of the synthetic scale data (cases.scale.PHRASES_KO), particles attached or not.
KOREAN_WORDS = [
    "보위부",
    "보위부에서",
    "강제북송",
    "북송",
    "탈북",
    "고문",
    "요덕",
    "수용소",
    "조사를",
]


@pytest.fixture(scope="module")
def _scale_data(django_db_setup, django_db_blocker):
    """The synthetic scale data, made once for the module and rolled back after it."""
    with django_db_blocker.unblock(), rolled_back():
        load_reference_data()
        seed_scale(violations=600, seed=5)
        yield


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Event, Violation, Testimony, BorderCrossing])
def test_korean_recall_equals_a_substring_match(_scale_data, model):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # through the GIN index, as at scale
            cursor.execute("SET LOCAL enable_seqscan = off")
    public = model.objects.public()
    found = []
    for word in KOREAN_WORDS:
        expected = set(public.filter(search_text__contains=word).values_list("pk", flat=True))
        assert set(words.search(public, word).values_list("pk", flat=True)) == expected, word
        found += [word] if expected else []
    assert found  # the comparison means something
