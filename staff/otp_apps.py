from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin, with the two-factor site of `staff/admin_site.py` as `admin.site`."""

    default_site = "staff.admin_site.AdminSite"
