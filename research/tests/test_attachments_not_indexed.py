"""An attachment's name and description are never in the staff search's index: not
even a custodian, who may read them in the admin, finds them there (issue 21)."""

import pytest

from cases import roles
from cases.tests import factories
from cases.tests.personas import user_in
from research import services
from research.models import StaffDocument

pytestmark = pytest.mark.django_db

MARKER = "첨부표식"


def test_the_staff_search_finds_nothing_of_an_attachment(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path
    testimony = factories.TestimonyFactory(title_ko="구금 증언")
    source = factories.SourceFactory(title="면담 녹음")
    factories.AttachmentFactory(testimony=testimony, file_name=f"{MARKER}.mp3")
    factories.AttachmentFactory(testimony=None, source=source, description=f"{MARKER} 설명")
    testimony.save()  # indexed again, after its attachment
    source.save()
    custodian = user_in(roles.CUSTODIAN)
    assert services.search(user=custodian, query="구금").total == 1  # the index is there
    assert services.search(user=custodian, query=MARKER).total == 0
    assert not any(MARKER in document.body for document in StaffDocument.objects.all())
