from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from people import roles

from .. import org


@login_required
def org_chart(request):
    """The team tree, the role definitions and the pathways: for everyone in CS (and admins)."""
    if not (roles.sees_every_client(request.user) or roles.is_exec_sponsor(request.user)):
        raise PermissionDenied("Your role does not include the team structure.")
    return render(
        request,
        "people/org.html",
        {
            "tree": org.team_tree(),
            "roles": org.role_definitions(),
            "pathways": org.pathway_counts(),
            "can_manage": roles.can_manage_people(request.user),
        },
    )
