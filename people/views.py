from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from csops import permissions as perms

from .models import StaffProfile


@login_required
def home(request):
    """Each role lands where its work is: the CS team on their week, sponsors and admins on clients."""
    if perms.is_cs_team(request.user) and not perms.is_head_of_cs(request.user):
        return redirect("my_week")
    if perms.sees_every_client(request.user) or perms.is_exec_sponsor(request.user):
        return redirect("clients:list")
    return render(request, "people/no_role.html", status=200)


@login_required
def staff_list(request):
    if not (perms.sees_every_client(request.user) or perms.is_exec_sponsor(request.user)):
        raise PermissionDenied("Your role does not include the staff directory.")
    profiles = (
        StaffProfile.objects.filter(user__is_active=True)
        .select_related("user", "line_manager")
        .prefetch_related("roles")
    )
    return render(request, "people/staff_list.html", {"profiles": profiles})
