"""Per role: a search never returns, counts or snippets what the role cannot open.

Marker words are planted in a confidential record, a confidential person's
testimony, violation and crossing, a restricted testimony's transcript and a
withdrawn testimony's transcript; only the custodian finds them, in the results,
the total, the facets or a snippet. A shared word (공통) is planted in the same
records and in visible ones, so that the counts of what the others may see are
checked exactly too.
"""

import datetime

import pytest

from cases import roles
from cases.models import Confidentiality, WorkflowStatus
from cases.tests import factories
from cases.tests.personas import ALL_ROLES, user_in
from research import services

pytestmark = pytest.mark.django_db

MARKER = "비밀표식"
CONFIDENTIAL = {"confidentiality": Confidentiality.CONFIDENTIAL}
NOT_CUSTODIANS = [roles.RESEARCHER, roles.REVIEWER, roles.ADMINISTRATOR]


@pytest.fixture
def planted():
    """Visible to every role: a draft testimony, a published event, a testimony
    whose transcript is readable. Hidden: the rest, each with the marker."""
    hidden_person = factories.PersonFactory(**CONFIDENTIAL, pseudonym="가명")
    records = {
        "visible": [
            factories.TestimonyFactory(title_ko="공통 요덕수용소 증언"),
            factories.EventFactory(publishable=True, description_ko="공통 사건 기록"),
            factories.TestimonyFactory(title_ko="녹취 공개", transcript="공통 집결소에서 들었다"),
            # Restricted, yet listed: its title is searchable, its transcript is not.
            factories.TestimonyFactory(
                confidentiality=Confidentiality.RESTRICTED,
                title_ko="공통 제한 증언",
                transcript=f"{MARKER} 제한 녹취",
            ),
        ],
        "hidden": [
            factories.EventFactory(**CONFIDENTIAL, description_ko=f"공통 {MARKER} 사건"),
            factories.TestimonyFactory(interviewee=hidden_person, title_ko=f"공통 {MARKER} 증언"),
            factories.ViolationFactory(victim=hidden_person, description_ko=f"공통 {MARKER}"),
            factories.BorderCrossingFactory(
                person=hidden_person, description_ko=f"공통 {MARKER} 도강"
            ),
            factories.PersonFactory(**CONFIDENTIAL, notes=f"공통 {MARKER} 메모"),
            factories.TestimonyFactory(
                consented=True,
                consent_withdrawn_on=datetime.date(2020, 1, 1),
                title_ko="철회 증언",
                transcript=f"공통 {MARKER} 철회 녹취",
            ),
        ],
    }
    # A restricted transcript with the shared word, under a title without it.
    records["hidden"].append(
        factories.TestimonyFactory(
            confidentiality=Confidentiality.RESTRICTED,
            title_ko="다른 제목",
            transcript=f"공통 {MARKER} 두번째",
        )
    )
    return records


@pytest.mark.parametrize("role", NOT_CUSTODIANS)
def test_the_marker_is_not_found_by_other_roles(planted, role):
    user = user_in(role)
    results = services.search(user=user, query=MARKER)
    assert results.total == 0
    assert results.hits == []
    assert all(values == [] for values in results.facets.values())


def test_the_custodian_finds_every_marker(planted):
    results = services.search(user=user_in(roles.CUSTODIAN), query=MARKER)
    # Six hidden records, and the restricted testimony's transcript, visible one.
    assert results.total == 8
    assert {hit.document.code for hit in results.hits} == {
        record.code for record in planted["hidden"] + planted["visible"][3:]
    }
    assert sum(count for _value, _label, count in results.facets["kind"]) == 8


@pytest.mark.parametrize("role", NOT_CUSTODIANS)
def test_a_shared_word_counts_only_what_the_role_may_open(planted, role):
    results = services.search(user=user_in(role), query="공통")
    visible = planted["visible"]
    assert results.total == 4
    assert {hit.document.code for hit in results.hits} == {record.code for record in visible}
    assert {v: n for v, _label, n in results.facets["kind"]} == {"testimony": 3, "event": 1}
    statuses = {v: n for v, _label, n in results.facets["status"]}
    assert statuses == {WorkflowStatus.DRAFT: 3, WorkflowStatus.PUBLISHED: 1}
    assert sum(n for _v, _l, n in results.facets["decade"]) == 4
    snippets = "".join(hit.snippet for hit in results.hits)
    assert MARKER not in snippets
    assert "<mark>공통</mark> 집결소에서" in snippets  # a readable transcript, snippeted


def test_a_shared_word_counts_everything_for_the_custodian(planted):
    results = services.search(user=user_in(roles.CUSTODIAN), query="공통")
    assert results.total == 11
    assert {v: n for v, _l, n in results.facets["kind"]} == {
        "testimony": 6,
        "event": 2,
        "violation": 1,
        "bordercrossing": 1,
        "person": 1,
    }


def test_two_syllable_words_and_substrings_are_found(planted):
    user = user_in(roles.RESEARCHER)
    for query in ("요덕", "수용", "요덕수용소", "집결소", "덕수용"):
        results = services.search(user=user, query=query)
        assert results.total == 1, query
    assert services.search(user=user, query="요덕 없는말").total == 0


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_search_page_shows_no_marker_to_whoever_may_not_open_it(planted, as_role, role):
    client = as_role(role)
    response = client.get("/admin/research/savedsearch/search/", {"q": "공통"})
    assert response.status_code == 200
    assert (MARKER in response.content.decode()) is (role == roles.CUSTODIAN)
    response = client.get("/admin/research/savedsearch/search/", {"q": MARKER})
    total = 8 if role == roles.CUSTODIAN else 0
    assert response.context["results"].total == total
    # Others see the marker once: in the search box, as they typed it.
    shown = response.content.decode().count(MARKER)
    assert shown > 8 if role == roles.CUSTODIAN else shown == 1


def test_a_record_made_confidential_leaves_the_next_search(planted):
    user = user_in(roles.RESEARCHER)
    event = planted["visible"][1]
    assert services.search(user=user, query="사건").total == 1
    factories.workflow_save(event, confidentiality=Confidentiality.CONFIDENTIAL)
    assert services.search(user=user, query="사건").total == 0
