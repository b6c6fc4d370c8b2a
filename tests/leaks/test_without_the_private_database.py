"""The public case side reads the published copy alone: every public case page and
case API address answers with the private database refusing every query.

(The statistics pages and API still read the private database: docs/architecture.md.)
"""

import pytest
from django.core.cache import cache
from django.db import connections

from tests import leaks

pytestmark = pytest.mark.django_db

CASE_SIDE = ("/cases/", "/ko/cases/", "/ja/cases/", "/api/cases/")


class PrivateDatabaseRefused(Exception):
    pass


def refuse(execute, sql, params, many, context):
    raise PrivateDatabaseRefused(sql[:200])


def test_every_public_case_address_answers_without_the_private_database(client):
    planted = leaks.plant()
    public, _ = leaks.urls_to_request(planted)
    urls = [url for url in public if url.startswith(CASE_SIDE)]
    assert len(urls) > 200
    assert "/cases/map/" in urls and "/api/cases/markers/" in urls
    answered = {}
    with connections["default"].execute_wrapper(refuse):
        for url in urls:
            cache.clear()  # the throttle's memory: no 429 hides a page
            response = client.get(url)
            leaks.read(response)  # a streamed export's rows are read here too
            answered[url] = response.status_code
    refused = {url: status for url, status in answered.items() if status >= 500}
    assert not refused, refused
    assert sum(status == 200 for status in answered.values()) > 150
