from django.db.models import Count

from people import roles
from people.models import Notification

from .statements import Compiled

# read on every page: its SQL compiled once per process (csops/statements.py); no row when none unread
_UNREAD = Compiled(
    lambda user_id: (
        Notification.objects.filter(user_id=user_id, read_at__isnull=True)
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("n")
    )
)


def navigation(request):
    """What the navigation shows: only what this person's roles let them do."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "unread": sum(n for (n,) in _UNREAD.rows(user.pk)),
            "my_week": roles.is_cs_team(user),
            "clients": roles.sees_every_client(user) or roles.is_exec_sponsor(user),
            "new_client": roles.can_create_client(user),
            "staff": roles.sees_every_client(user) or roles.is_exec_sponsor(user),
            "matrices": roles.can_view_matrices(user),
            "meetings": roles.can_view_meetings(user),
            "portfolio": roles.can_view_portfolio(user),
            "nps": roles.can_view_satisfaction(user),
            "checkins": roles.is_exec_sponsor(user),
            "status_report": roles.is_cs_team(user),
            "support_sla": roles.is_head_of_cs(user) or roles.is_admin(user),
            "admin": user.is_staff and roles.is_admin(user),
            "roles": sorted(roles.roles_of(user)),
        }
    }
