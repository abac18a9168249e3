from people.models import Notification

from . import permissions as perms


def navigation(request):
    """What the navigation shows: only what this person's roles let them do."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
            "my_week": perms.is_cs_team(user),
            "clients": perms.sees_every_client(user) or perms.is_exec_sponsor(user),
            "new_client": perms.can_create_client(user),
            "staff": perms.sees_every_client(user) or perms.is_exec_sponsor(user),
            "matrices": perms.can_view_matrices(user),
            "meetings": perms.can_view_meetings(user),
            "portfolio": perms.can_view_portfolio(user),
            "nps": perms.can_view_satisfaction(user),
            "checkins": perms.is_exec_sponsor(user),
            "admin": user.is_staff and perms.is_admin(user),
            "roles": sorted(perms.roles_of(user)),
        }
    }
