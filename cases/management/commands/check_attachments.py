from django.core.management.base import BaseCommand, CommandError

from cases.attachments import remove_stray_files, unmatched_files

SHOWN = 20


class Command(BaseCommand):
    help = (
        "Compare the attachments with the files in PRIVATE_FILES_ROOT. Run it nightly: "
        "it fails if an attachment's file is missing (restore the folder's copy of the "
        "same night as the database). --remove-strays removes files no attachment names "
        "that are older than an hour (left by an upload that was rolled back)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--remove-strays", action="store_true", help="remove files no attachment names"
        )

    def handle(self, *args, remove_strays, **options):
        missing, strays = unmatched_files()
        if strays:
            self.stdout.write(f"{len(strays)} files that no attachment names.")
            if remove_strays:
                removed = remove_stray_files(strays)
                self.stdout.write(f"{removed} removed (younger ones are kept).")
        if missing:
            numbers = ", ".join(str(pk) for pk in missing[:SHOWN])
            more = f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else ""
            raise CommandError(f"{len(missing)} attachments without their file: {numbers}{more}")
        self.stdout.write("Every attachment has its file.")
