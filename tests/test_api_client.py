"""A client generated from the public schema reads the public API (issue 23).

openapi-python-client (requirements-dev.txt) writes a typed client from
`/api/v1/schema/` into a temporary directory; the test imports it and reads every
public list, record and series through it against a live test server. The
client parses each answer into the schema's types (attrs classes, dates as
`datetime.date`, enums), so a field the schema types wrongly, a null where it says
none, or an undocumented status fails here as it would in a client's code.
"""

import datetime
import importlib
import json
import pkgutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from cases.tests import factories
from stats.services import statistics_import
from stats.shipped import SHIPPED_DIR

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
PACKAGE = "nkdb_client"


@pytest.fixture
def published(db):
    """Records of every kind, each nested object filled, and a statistics table."""
    facility = factories.FacilityFactory()
    event = factories.published_case(place=facility.place, facility=facility)
    violation = event.violations.get()
    factories.workflow_save(violation, place=facility.place, facility=facility)
    factories.InformationFactory(testimony=None, source=factories.SourceFactory(), event=event)
    testimony = event.information.filter(testimony__isnull=False).get().testimony
    with factories.one_refresh():
        crossing = factories.BorderCrossingFactory(
            publishable=True,
            person=testimony.interviewee,
            testimony=testimony,
            departure_place=facility.place,
            settlement_place=facility.place,
        )
        factories.CrossingLegFactory(crossing=crossing)
    factories.OrganizationFactory(parent=factories.OrganizationFactory())
    with factories.one_refresh():
        proceeding = factories.ProceedingFactory(publishable=True)
        factories.ProceedingPersonFactory(proceeding=proceeding, person=testimony.interviewee)
        factories.ProceedingEventFactory(proceeding=proceeding, event=event)
    statistics_import(format="mou-arrivals", path=SHIPPED_DIR / "mou_defector_arrivals_by_year.csv")
    return event


@pytest.fixture
def client_package(published, live_server, tmp_path, monkeypatch):
    url = f"{live_server.url}/api/v1/schema/?format=json"
    with urllib.request.urlopen(url) as answer:  # noqa: S310 (the test server's http URL)
        (tmp_path / "schema.json").write_bytes(answer.read())
    (tmp_path / "config.json").write_text(json.dumps({"post_hooks": []}))
    command = [str(GENERATOR), "generate", "--meta", "none"]
    command += ["--path", str(tmp_path / "schema.json"), "--output-path", str(tmp_path / PACKAGE)]
    command += ["--config", str(tmp_path / "config.json")]
    finished = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "Warning" not in finished.stdout, finished.stdout
    monkeypatch.syspath_prepend(str(tmp_path))
    package = importlib.import_module(PACKAGE)
    yield package
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def operations(package):
    """{module name: module} of every generated operation."""
    api = importlib.import_module(f"{PACKAGE}.api")
    found = {}
    for tag in pkgutil.iter_modules(api.__path__):
        tagged = importlib.import_module(f"{PACKAGE}.api.{tag.name}")
        for module in pkgutil.iter_modules(tagged.__path__):
            found[module.name] = importlib.import_module(f"{tagged.__name__}.{module.name}")
    return found


def test_the_generated_client_reads_every_public_list_and_record_typed(
    client_package, published, live_server
):
    models = importlib.import_module(f"{PACKAGE}.models")
    client = client_package.Client(base_url=live_server.url, raise_on_unexpected_status=True)
    found = operations(client_package)
    lists = {name: module for name, module in found.items() if name.endswith("_list")}
    assert len(lists) == 11  # 9 case lists (proceedings too), datasets, observations

    codes = {}
    for name, module in lists.items():
        page = module.sync(client=client)
        assert type(page).__name__.startswith("Paginated"), name
        assert isinstance(page.count, int) and page.count >= len(page.results) > 0, name
        first = page.results[0]
        codes[name.removesuffix("_list")] = (
            getattr(first, "code", None) or getattr(first, "slug", None) or first.id
        )

    events = lists["cases_events_list"].sync(client=client).results
    assert events[0].code == published.code
    assert isinstance(events[0].earliest_date, datetime.date | None)
    assert isinstance(events[0].violations[0], models.EventViolation)
    assert isinstance(events[0].sources[0], models.Support)
    observation = lists["stats_observations_list"].sync(client=client, year=2019).results[0]
    assert observation.period_start == observation.period_end == 2019  # years, typed int
    assert observation.dataset == "mou-arrivals"
    # Cursor pages through the same client: every event once.
    cursor_page = lists["cases_events_list"].sync(
        client=client, pagination=models.CasesEventsListPagination.CURSOR, page_size=1
    )
    assert [event.code for event in cursor_page.results] == [min(e.code for e in events)]

    details = {name: module for name, module in found.items() if name.endswith("_retrieve")}
    read = 0
    for name, module in details.items():
        key = name.removesuffix("_retrieve")
        if key in codes:  # a record: its code from the list
            (parameter,) = [
                p for p in ("code", "slug", "id") if p in module.sync.__code__.co_varnames
            ]
            answer = module.sync_detailed(client=client, **{parameter: codes[key]})
        elif key.endswith("_export"):
            answer = module.sync_detailed(client=client)
            assert answer.content.startswith("\ufeff".encode()), name
            read += 1
            continue
        elif "slug" in module.sync.__code__.co_varnames:  # a dataset's package or its CSV
            owner = max((k for k in codes if key.startswith(k)), key=len)
            answer = module.sync_detailed(client=client, slug=codes[owner])
            assert answer.status_code == 200, (name, answer.status_code)
            assert answer.content, name
            read += 1
            continue
        else:  # a root, a series, a map, the counts
            answer = module.sync_detailed(client=client)
        assert answer.status_code in (200, 404), (name, answer.status_code)
        if answer.status_code == 200:
            assert answer.parsed is not None and not isinstance(answer.parsed, str), name
            read += 1
        else:  # a series without its table loaded: a typed error naming what there is
            assert isinstance(answer.parsed, models.Error), name
            assert answer.parsed.detail, name
    assert read >= 20
