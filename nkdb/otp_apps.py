from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin, with the two-factor site of `nkdb/otp_admin.py` as `admin.site`."""

    default_site = "nkdb.otp_admin.AdminSite"
