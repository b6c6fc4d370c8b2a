"""A public node's connection (SITE=public) cannot write, on either database vendor."""

import pytest
from django.db import DatabaseError, connections
from django.db.utils import ConnectionHandler

pytestmark = pytest.mark.django_db


def test_a_read_only_session_refuses_writes(settings):
    own = {**connections["public"].settings_dict}
    vendor = own["ENGINE"].rsplit(".", 1)[-1]
    own["OPTIONS"] = {**own.get("OPTIONS", {}), **settings.READ_ONLY_SESSION[vendor]}
    node = ConnectionHandler({"default": own})["default"]
    try:
        with node.cursor() as cursor:
            cursor.execute("SELECT 1")  # reads work
            with pytest.raises(DatabaseError, match=r"(?i)read.?only"):
                cursor.execute("CREATE TABLE intruder (x integer)")
    finally:
        node.close()
