"""The admin: a large import is queued, its page shows progress and the outcome,
and each user sees their own jobs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import roles
from cases.models import Person
from cases.tests.personas import login_with_second_factor, user_in
from jobs.models import Job, Upload

pytestmark = pytest.mark.django_db


def post_import(client, rows):
    content = "code,pseudonym,sex,birth_year\n" + "".join(
        f",Witness {n},female,1980\n" for n in range(rows)
    )
    return client.post(
        reverse("admin:cases_person_import"),
        {
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("persons.csv", content.encode()),
        },
    )


def test_a_large_import_is_checked_in_the_background_then_imported(as_role, settings):
    settings.BACKGROUND_IMPORT_ROWS = 5
    client = as_role(roles.RESEARCHER)
    response = post_import(client, 6)
    check = Job.objects.get()
    assert response.status_code == 302 and response.url == check.get_absolute_url()
    assert check.dry_run and check.status == Job.Status.DONE and check.created == 6
    assert not Person.objects.exists()

    page = client.get(check.get_absolute_url())
    assert "Import these rows" in page.content.decode()
    response = client.post(reverse("admin:jobs_job_confirm", args=[check.pk]))
    job = Job.objects.exclude(pk=check.pk).get()
    assert response.url == job.get_absolute_url()
    assert job.status == Job.Status.DONE and Person.objects.count() == 6
    assert not Upload.objects.exists()


def test_a_small_import_still_runs_in_the_request(as_role, settings):
    settings.BACKGROUND_IMPORT_ROWS = 5
    response = post_import(as_role(roles.RESEARCHER), 5)
    assert response.status_code == 200 and "confirm_form" in response.context
    assert not Job.objects.exists()


def test_a_running_job_shows_its_progress_and_reloads_itself(as_role):
    client = as_role(roles.RESEARCHER)
    job = Job.objects.create(
        kind=Job.Kind.IMPORT,
        user=client.user,
        status=Job.Status.RUNNING,
        rows_total=4000,
        rows_processed=1000,
    )
    content = client.get(job.get_absolute_url()).content.decode()
    assert '<progress id="job-progress" max="4000" value="1000">25%</progress>' in content
    assert '<meta http-equiv="refresh"' in content
    assert "<script>" not in content.split("</head>")[1]


def test_a_finished_job_shows_the_rejected_rows_and_stops_reloading(as_role):
    client = as_role(roles.RESEARCHER)
    job = Job.objects.create(
        kind=Job.Kind.IMPORT,
        user=client.user,
        status=Job.Status.REJECTED,
        rows_total=3,
        rejected=1,
        rejected_rows=[{"row": 2, "field": "sex", "reason": "Value 'dragon' is not valid."}],
    )
    job.finish(Job.Status.REJECTED, rejected_rows=job.rejected_rows, rejected=1)
    content = client.get(job.get_absolute_url()).content.decode()
    assert "http-equiv" not in content
    assert "Nothing was written" in content
    assert "<td>2</td><td>sex</td><td>Value &#x27;dragon&#x27; is not valid.</td>" in content


def test_a_user_sees_only_their_own_jobs(client):
    researcher, other = user_in(roles.RESEARCHER), user_in(roles.REVIEWER)
    mine = Job.objects.create(kind=Job.Kind.IMPORT, user=researcher, file_name="mine.csv")
    theirs = Job.objects.create(kind=Job.Kind.IMPORT, user=other, file_name="theirs.csv")
    login_with_second_factor(client, researcher)
    listing = client.get(reverse("admin:jobs_job_changelist")).content.decode()
    assert "mine.csv" in listing and "theirs.csv" not in listing
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(mine.get_absolute_url()).status_code == 200
    confirm = client.post(reverse("admin:jobs_job_confirm", args=[theirs.pk]))
    assert confirm.status_code == 404


@pytest.mark.parametrize("role", [roles.CUSTODIAN, roles.ADMINISTRATOR])
def test_custodians_and_administrators_see_every_job(client, role):
    Job.objects.create(kind=Job.Kind.IMPORT, user=user_in(roles.RESEARCHER), file_name="a.csv")
    login_with_second_factor(client, user_in(role))
    assert "a.csv" in client.get(reverse("admin:jobs_job_changelist")).content.decode()


def test_a_researcher_cannot_start_maintenance_jobs(as_role):
    client = as_role(roles.RESEARCHER)
    assert client.post(reverse("admin:jobs_job_search")).status_code == 403
    assert client.post(reverse("admin:jobs_job_statistics")).status_code == 403
    assert not Job.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login(client):
    job = Job.objects.create(kind=Job.Kind.IMPORT, user=user_in(roles.RESEARCHER))
    for url in (reverse("admin:jobs_job_changelist"), job.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


def test_an_administrator_rebuilds_the_search_columns_in_the_background(as_role):
    from cases.tests import factories

    factories.EventFactory(title_en="Camp")
    response = as_role(roles.ADMINISTRATOR).post(reverse("admin:jobs_job_search"))
    job = Job.objects.get()
    assert response.url == job.get_absolute_url()
    assert job.kind == Job.Kind.REBUILD_SEARCH and job.status == Job.Status.DONE
    assert job.rows_processed == job.rows_total >= 1


@pytest.mark.parametrize("jobs", [1, 6])
def test_the_job_list_takes_the_same_queries_whatever_its_length(
    client, jobs, django_assert_num_queries
):
    researcher = user_in(roles.RESEARCHER)
    for n in range(jobs):
        Job.objects.create(kind=Job.Kind.IMPORT, user=researcher, file_name=f"{n}.csv")
    login_with_second_factor(client, researcher)
    # session, user, OTP device, the user's own and group permissions, the count of
    # the user's jobs, and the page of jobs with their users (one join).
    with django_assert_num_queries(QUERIES):
        assert client.get(reverse("admin:jobs_job_changelist")).status_code == 200


QUERIES = 7
