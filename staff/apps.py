from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff accounts")

    def ready(self):
        from staff import guards

        guards.connect_signals()
        checks.register(check_otp_keys, checks.Tags.security)


def check_otp_keys(app_configs, **kwargs):
    if getattr(settings, "OTP_KEYS_ARE_DEVELOPMENT_ONLY", False):
        return [
            checks.Warning(
                "OTP_KEYS is not set: TOTP secrets are encrypted with a development-only "
                "key derived from SECRET_KEY.",
                hint="Set OTP_KEYS to a Fernet key before anyone enrols a real device.",
                id="staff.W001",
            )
        ]
    return []
