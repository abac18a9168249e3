"""Optimistic locking for the records people edit in forms: no save silently undoes another's.

A versioned row carries a `version` that every save moves on (Versioned.save, whoever saves: a
form, a service, the admin, a task). An edit form carries the version it was loaded at
(csops.forms.VersionedFormMixin); the service that saves it first calls version_claim() in its
transaction — one conditional UPDATE … WHERE version = <loaded>. If someone saved in between, it
matches nothing and the save is refused with what is stored now (StaleEdit). On PostgreSQL two
saves at once serialise on the row lock: the second UPDATE waits for the first transaction, then
sees the moved version and matches nothing, so exactly one of two stale forms wins.
"""

from django.db import models, transaction


class StaleEdit(Exception):
    """The row was saved by someone else after the form was loaded; `current` is what is stored."""

    def __init__(self, current):
        super().__init__(f"{current._meta.verbose_name} {current.pk} changed since the form was loaded")
        self.current = current


class Versioned(models.Model):
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Moves on every save: edit forms are refused when it moved."
    )

    class Meta:
        abstract = True

    def save(self, **kwargs):
        if self._state.adding:
            return super().save(**kwargs)
        # In the database, not from this object's copy: two savers holding the same copy still
        # move it twice. (Versions are left out of history: an expression cannot be copied there.)
        loaded = self.version
        self.version = models.F("version") + 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        try:
            super().save(**kwargs)
        except BaseException:
            self.version = loaded
            raise
        self.refresh_from_db(fields=["version"])


def version_claim(instance: Versioned, loaded: int | None) -> None:
    """Take the row for this save if it is still at `loaded`, else raise StaleEdit.

    Call it inside the transaction that then saves `instance`: the UPDATE holds the row until commit.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("version_claim() must run in the transaction that saves the row")
    model = type(instance)
    rows = model._base_manager.filter(pk=instance.pk)
    if loaded is None or not rows.filter(version=loaded).update(version=models.F("version")):
        raise StaleEdit(rows.get())
