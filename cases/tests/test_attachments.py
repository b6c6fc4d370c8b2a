"""Encrypted attachments (issue 21): audio, scans and PDFs on sources and
testimonies, encrypted with the identity keys, uploaded by whoever edits the
record, read by custodians only, every access logged, size and type checked."""

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from cases import roles
from cases.attachments import (
    attach_file,
    check_private_files_root,
    delete_attachment,
    read_attachment,
)
from cases.models import Attachment, AttachmentAccess
from cases.tests.factories import (
    AttachmentFactory,
    SourceFactory,
    TestimonyFactory,
    UserFactory,
    published_case,
)
from cases.tests.forms import form_data
from cases.tests.personas import login_with_second_factor, user_in

pytestmark = pytest.mark.django_db

NAME = "김순옥_면담_2024-05-14.mp3"
DESCRIPTION = "김순옥 씨 면담 녹음, 서울"
AUDIO = b"ID3\x03\x00" + "김순옥의 목소리".encode() * 50
# Where the upload inline's fields are: the second inline of Attachment on the page.
UPLOAD = "attachments-2"


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Each test's own folder of encrypted files."""
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT


def files_held(settings):
    root = Path(settings.PRIVATE_FILES_ROOT)
    return list(root.iterdir()) if root.exists() else []


def upload(content=AUDIO, name=NAME):
    return SimpleUploadedFile(name, content, content_type="audio/mpeg")


def on_disk(attachment, settings):
    return (Path(settings.PRIVATE_FILES_ROOT) / attachment.stored_as).read_bytes()


def stored_columns(attachment):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT file_name, description, sha256 FROM cases_attachment WHERE id = %s",
            [attachment.pk],
        )
        return " ".join(cursor.fetchone())


def change_url(record):
    return reverse(f"admin:cases_{record._meta.model_name}_change", args=[record.pk])


def download_url(attachment):
    return reverse("admin:cases_attachment_download", args=[attachment.pk])


@pytest.fixture
def researcher(client):
    user = user_in(roles.RESEARCHER)
    login_with_second_factor(client, user)
    client.user = user
    return client


@pytest.fixture
def custodian(client):
    user = user_in(roles.CUSTODIAN)
    login_with_second_factor(client, user)
    client.user = user
    return client


# --- The service --------------------------------------------------------------------


def test_a_file_round_trips_and_nothing_of_it_is_readable_at_rest(settings):
    testimony = TestimonyFactory()
    attachment = attach_file(
        user=user_in(roles.RESEARCHER),
        testimony=testimony,
        upload=upload(),
        kind=Attachment.Kind.AUDIO,
        description=DESCRIPTION,
    )
    raw = on_disk(attachment, settings)
    assert AUDIO not in raw and "김순옥".encode() not in raw and NAME.encode() not in raw
    assert raw.startswith(b"gAAAAA")  # a Fernet token
    assert NAME not in attachment.stored_as and "김순옥" not in stored_columns(attachment)
    assert attachment.sha256 not in stored_columns(attachment)  # the digest is encrypted too
    assert attachment.size == len(AUDIO)
    custodian = user_in(roles.CUSTODIAN)
    assert read_attachment(user=custodian, attachment=attachment) == AUDIO
    logged = AttachmentAccess.objects.order_by("pk").values_list("action", "record_code", "user")
    assert list(logged) == [
        ("upload", testimony.code, attachment.uploaded_by_id),
        ("read", testimony.code, custodian.pk),
    ]
    assert not hasattr(Attachment, "history")  # not versioned: no copy of the name


@pytest.mark.parametrize("role", [roles.RESEARCHER, roles.REVIEWER, roles.ADMINISTRATOR])
def test_only_custodians_read_or_delete_an_attachment(role):
    attachment = AttachmentFactory()
    for call in (read_attachment, delete_attachment):
        with pytest.raises(PermissionDenied):
            call(user=user_in(role), attachment=attachment)
    superuser = UserFactory(is_superuser=True)  # the flag alone does not open the vault
    with pytest.raises(PermissionDenied):
        read_attachment(user=superuser, attachment=attachment)
    assert not AttachmentAccess.objects.exists() and Attachment.objects.exists()


def test_a_file_changed_on_disk_is_refused(settings):
    attachment = AttachmentFactory()
    other = AttachmentFactory(content=b"%PDF-1.4 another file")
    path = Path(settings.PRIVATE_FILES_ROOT)
    (path / attachment.stored_as).write_bytes((path / other.stored_as).read_bytes())
    with pytest.raises(Exception, match="not the file that was uploaded"):
        read_attachment(user=user_in(roles.CUSTODIAN), attachment=attachment)
    assert not AttachmentAccess.objects.exists()


def test_a_researcher_may_not_attach_to_a_record_in_review_or_published():
    researcher = user_in(roles.RESEARCHER)
    for status in ("in_review", "published"):
        with pytest.raises(PermissionDenied):
            attach_file(
                user=researcher,
                testimony=TestimonyFactory(status=status),
                upload=upload(),
                kind=Attachment.Kind.AUDIO,
            )
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"MZ\x90\x00 an executable", Attachment.Kind.OTHER),
        (b"<html><script>alert(1)</script>", Attachment.Kind.OTHER),
        (b"%PDF-1.4 a document", Attachment.Kind.AUDIO),  # a PDF is not audio
        (AUDIO, Attachment.Kind.PDF),
    ],
)
def test_a_type_not_accepted_for_its_kind_is_refused(content, kind, settings):
    with pytest.raises(ValidationError) as error:
        attach_file(
            user=user_in(roles.RESEARCHER),
            source=SourceFactory(),
            upload=upload(content, name="file.pdf"),
            kind=kind,
        )
    assert list(error.value.message_dict) == ["upload"]
    assert not Attachment.objects.exists() and not files_held(settings)


@pytest.mark.parametrize(
    "head",
    [
        b"%PDF-1.7",
        b"\xff\xd8\xff\xe0",
        b"\x89PNG\r\n\x1a\n",
        b"II*\x00",
        b"MM\x00*",
        b"ID3\x04",
        b"\xff\xfb\x90",
        b"\x00\x00\x00\x20ftypM4A ",
        b"RIFF\x24\x00\x00\x00WAVEfmt ",
        b"OggS\x00\x02",
    ],
)
def test_each_accepted_type_is_recognized_from_its_bytes(head):
    attachment = attach_file(
        user=user_in(roles.RESEARCHER),
        source=SourceFactory(),
        upload=upload(head + b"\x00" * 32, name="x"),
        kind=Attachment.Kind.OTHER,
    )
    assert attachment.size == len(head) + 32


def test_rotation_re_encrypts_the_file_and_its_fields(settings, django_capture_on_commit_callbacks):
    attachment = AttachmentFactory(file_name=NAME, description=DESCRIPTION)
    old_file = Path(settings.PRIVATE_FILES_ROOT) / attachment.stored_as
    new_key = Fernet.generate_key().decode()
    settings.IDENTITY_KEYS = [new_key, *settings.IDENTITY_KEYS]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rotate_identity_key", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not old_file.exists()
    settings.IDENTITY_KEYS = [new_key]  # the old key dropped: all still readable
    attachment.refresh_from_db()
    assert (attachment.file_name, attachment.description) == (NAME, DESCRIPTION)
    assert (
        Fernet(new_key).decrypt(on_disk(attachment, settings)) == b"%PDF-1.4 synthetic attachment"
    )
    read = read_attachment(user=user_in(roles.CUSTODIAN), attachment=attachment)
    assert read == b"%PDF-1.4 synthetic attachment"


def test_the_files_folder_may_not_be_a_served_one(settings):
    assert check_private_files_root(None) == []
    settings.PRIVATE_FILES_ROOT = Path(settings.STATIC_ROOT) / "private"
    assert [error.id for error in check_private_files_root(None)] == ["cases.E001"]
    settings.PRIVATE_FILES_ROOT = Path(settings.BASE_DIR)  # around static/
    assert [error.id for error in check_private_files_root(None)] == ["cases.E001"]


# --- The admin ----------------------------------------------------------------------


def post_upload(client, record, content=AUDIO, kind="audio", description=DESCRIPTION):
    data = form_data(client.get(change_url(record)), type(record))
    data.update(
        {
            f"{UPLOAD}-TOTAL_FORMS": "1",
            f"{UPLOAD}-0-kind": kind,
            f"{UPLOAD}-0-description": description,
            f"{UPLOAD}-0-upload": upload(content),
        }
    )
    return client.post(change_url(record), data)


@pytest.mark.parametrize("factory", [TestimonyFactory, SourceFactory])
def test_a_researcher_uploads_from_the_page_and_never_reads_it_back(researcher, factory):
    record = factory()
    response = post_upload(researcher, record)
    assert response.status_code == 302, response.context and response.context["errors"]
    attachment = Attachment.objects.get()
    assert attachment.record == record and attachment.uploaded_by == researcher.user
    page = researcher.get(change_url(record)).content.decode()
    assert "audio recording" in page and "1.1\xa0KB" in page
    assert "김순옥" not in page and "면담" not in page  # neither the name nor the description
    assert download_url(attachment) not in page
    assert researcher.get(download_url(attachment)).status_code == 403
    assert list(AttachmentAccess.objects.values_list("action", flat=True)) == ["upload"]


def test_a_custodian_downloads_the_exact_bytes_and_the_read_is_logged(custodian):
    attachment = AttachmentFactory(file_name=NAME, description=DESCRIPTION, content=AUDIO)
    page = custodian.get(change_url(attachment.testimony)).content.decode()
    assert NAME in page and DESCRIPTION in page and download_url(attachment) in page
    assert not AttachmentAccess.objects.exists()  # listing is not reading the file
    response = custodian.get(download_url(attachment))
    assert response.status_code == 200 and response.content == AUDIO
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment; filename")
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    log = AttachmentAccess.objects.get()
    assert (log.action, log.user, log.attachment_number) == ("read", custodian.user, attachment.pk)
    assert NAME not in str(log) and NAME not in str(attachment)


def test_oversize_and_wrong_type_are_refused_naming_the_field(researcher, settings):
    testimony = TestimonyFactory()
    settings.ATTACHMENT_MAX_BYTES = 1000
    response = post_upload(researcher, testimony)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][-1].formset.errors[0]
    assert "upload" in errors and "at most 1000" in str(errors["upload"])
    settings.ATTACHMENT_MAX_BYTES = 50 * 1024 * 1024
    response = post_upload(researcher, testimony, content=b"<svg onload=alert(1)>", kind="scan")
    errors = response.context["inline_admin_formsets"][-1].formset.errors[0]
    assert "not one of the types accepted" in str(errors["upload"])
    assert not Attachment.objects.exists() and not files_held(settings)


def test_deleting_removes_the_file_and_is_logged(
    custodian, settings, django_capture_on_commit_callbacks
):
    attachment = AttachmentFactory()
    path = Path(settings.PRIVATE_FILES_ROOT) / attachment.stored_as
    url = reverse("admin:cases_attachment_delete", args=[attachment.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = custodian.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Attachment.objects.exists() and not path.exists()
    log = AttachmentAccess.objects.get()
    assert (log.action, log.attachment_number) == ("delete", attachment.pk)


def test_the_access_log_is_for_custodians_and_never_edited(custodian):
    AttachmentFactory()
    read_attachment(user=custodian.user, attachment=Attachment.objects.get())
    log = AttachmentAccess.objects.get()
    changelist = reverse("admin:cases_attachmentaccess_changelist")
    assert custodian.get(changelist).status_code == 200
    assert (
        custodian.get(reverse("admin:cases_attachmentaccess_change", args=[log.pk])).status_code
        == 200
    )
    assert (
        custodian.post(
            reverse("admin:cases_attachmentaccess_delete", args=[log.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    researcher = login_with_second_factor(custodian, user_in(roles.RESEARCHER))
    assert researcher.get(changelist).status_code == 403
    assert researcher.get(reverse("admin:cases_attachment_changelist")).status_code == 403


@pytest.mark.parametrize("role", [roles.RESEARCHER, roles.CUSTODIAN])
def test_the_pages_query_counts_do_not_grow_with_attachments(
    client, role, django_assert_max_num_queries
):
    user = user_in(role)
    login_with_second_factor(client, user)
    testimony = TestimonyFactory()
    source = SourceFactory()
    AttachmentFactory(testimony=testimony)
    AttachmentFactory(testimony=None, source=source)
    pages = [change_url(testimony), change_url(source)]
    if role == roles.CUSTODIAN:
        pages += [
            reverse("admin:cases_attachment_changelist"),
            reverse("admin:cases_attachmentaccess_changelist"),
        ]
    counts = {}
    for page in pages:
        with django_assert_max_num_queries(60) as captured:
            assert client.get(page).status_code == 200
        counts[page] = len(captured)
    AttachmentFactory.create_batch(5, testimony=testimony, uploaded_by=UserFactory())
    AttachmentFactory.create_batch(5, testimony=None, source=source)
    for page in pages:
        with django_assert_max_num_queries(counts[page]):
            assert client.get(page).status_code == 200


# --- Never public ---------------------------------------------------------------


def test_nothing_of_an_attachment_reaches_the_copy_the_api_or_an_export(client, settings):
    from cases import copying
    from cases.resources import TestimonyResource
    from public.models import Entry

    event = published_case()
    testimony = event.information.get().testimony
    marker = "Qz99999Lk"
    AttachmentFactory(testimony=testimony, file_name=f"{marker}.pdf", description=marker)
    AttachmentFactory(testimony=None, source=SourceFactory(), description=marker)
    copying.rebuild()
    entries = list(Entry.objects.values_list("page", "data"))
    assert entries and marker not in str(entries)
    for url in (
        reverse("cases:testimony", args=[testimony.code]),
        reverse("cases-api:testimony-detail", args=[testimony.code]),
        f"{reverse('cases:search')}?q={marker[1:]}",
    ):
        response = client.get(url)
        assert response.status_code == 200 and marker not in response.content.decode(), url
    exported = TestimonyResource().export().csv
    assert testimony.code in exported and marker not in exported


# --- check_attachments ---------------------------------------------------------------


def run_check(*args):
    from io import StringIO

    out = StringIO()
    call_command("check_attachments", *args, stdout=out)
    return out.getvalue()


def test_the_nightly_check_names_attachments_without_their_file(settings):
    kept, lost = AttachmentFactory(), AttachmentFactory()
    assert "Every attachment has its file." in run_check()
    (Path(settings.PRIVATE_FILES_ROOT) / lost.stored_as).unlink()
    with pytest.raises(CommandError, match=rf"^1 attachments without their file: {lost.pk}$"):
        run_check()
    assert (Path(settings.PRIVATE_FILES_ROOT) / kept.stored_as).exists()


def test_stray_files_are_removed_only_when_asked_and_old_enough(settings):
    import os
    import time

    attachment = AttachmentFactory()
    root = Path(settings.PRIVATE_FILES_ROOT)
    old, fresh = root / ("0" * 40), root / ("1" * 40)
    old.write_bytes(b"left by a rolled-back upload")
    fresh.write_bytes(b"an upload whose row is not committed yet")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    assert "2 files that no attachment names." in run_check()
    assert old.exists() and fresh.exists()
    assert "1 removed" in run_check("--remove-strays")
    assert not old.exists() and fresh.exists()
    assert (root / attachment.stored_as).exists()
