"""Reads about the team that other apps build on."""

from django.contrib.auth import get_user_model

from .models import Role


def heads_of_cs():
    """The second step of every client's escalation path (AM → head of CS → exec sponsor)."""
    return (
        get_user_model().objects.filter(is_active=True, profile__roles__code=Role.HEAD_OF_CS).order_by("id")
    )


def cs_team_users():
    """Users who can sit on an account team (the CS roles of §1)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__roles__code__in=Role.CS_TEAM)
        .distinct()
        .order_by("first_name", "last_name")
    )


def exec_sponsor_users():
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__roles__code=Role.EXEC_SPONSOR)
        .distinct()
        .order_by("first_name", "last_name")
    )
