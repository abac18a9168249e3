"""Reads about the team that other apps build on."""

from django.contrib.auth import get_user_model

from .models import Role


def heads_of_cs():
    """The second step of every client's escalation path (AM → head of CS → exec sponsor)."""
    return (
        get_user_model().objects.filter(is_active=True, profile__roles__code=Role.HEAD_OF_CS).order_by("id")
    )
