"""TEMPORARY, for the issue-12 merge only: delete this file at merge.

csops/permissions.py was split into people/roles.py (what a role allows) and clients/permissions.py
(what a person may do to one client). commercial/views.py and onboarding/views.py belong to another
helper's branch and still say `from csops import permissions as perms`; the lead rewrites those two
imports when merging and deletes this module. Nothing else may import it.
"""

from clients.permissions import *  # noqa: F403
from people.roles import *  # noqa: F403
