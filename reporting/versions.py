"""The scoped counters the caches are keyed by, and what moves them (reporting/cache.py reads them).

Scopes: `client:<id>`, `user:<id>`, `kind:<kind>` (KINDS), one row each in reporting_cacheversion.
A write moves the counters of what it touched, in its own transaction: a mapped model's save or
delete does through the signals below (its kinds, its client, the people whose own pages show it),
and a service that writes in bulk (`bulk_create`, `QuerySet.update`) calls `versions_bump()`.

No model is imported here, so reporting/apps.py can connect the signals when the app is ready.
"""

import logging
from operator import attrgetter

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

log = logging.getLogger(__name__)

TABLE = "reporting_cacheversion"

# The kinds of record a fragment may read (a scope `kind:<name>` each).
KINDS = (
    "actions",  # actions, ticked or not
    "flags",
    "calls",
    "clients",  # client records, contacts, comms plans: the book itself
    "team",  # account-team memberships
    "contracts",
    "occurrences",
    "nps",  # check-ins and survey answers
    "matrices",  # tiers, bands, rates, cadences, agency escalation rules: the reporting matrix
    "people",  # staff, their roles
    "meetings",
    "growth",  # channel maps, opportunities, audits, entertainment and surprise & delight (meet items 4–5)
)

# model → (kinds, the field naming its client, fields naming people whose own pages show it)
MODELS = {
    "clients.client": (("clients",), "pk", ()),
    "clients.contact": (("clients",), "client_id", ()),
    "clients.accountteammembership": (("team",), "client_id", ("user_id",)),
    "clients.call": (("calls",), "client_id", ("author_id",)),
    "clients.action": (("actions",), "client_id", ("owner_id",)),
    "clients.flag": (("flags",), "client_id", ("owner_id",)),
    "clients.escalationrule": (("matrices",), "client_id", ()),
    "clients.tier": (("matrices",), None, ()),
    "clients.industry": (("matrices",), None, ()),
    "commercial.contract": (("contracts",), "client_id", ()),
    "commercial.entertainmentbudget": (("matrices",), None, ()),
    "reporting.occurrence": (("occurrences",), "client_id", ("assignee_id",)),
    "reporting.npscheckin": (("nps",), "client_id", ("sponsor_id",)),
    "reporting.surveyresponse": (("nps",), "client_id", ()),
    "reporting.commsplan": (("clients",), "client_id", ()),
    "reporting.reportingband": (("matrices",), None, ()),
    "reporting.exchangerate": (("matrices",), None, ()),
    "reporting.cadence": (("matrices",), None, ()),
    "reporting.feedbackcadence": (("matrices",), None, ()),
    "reporting.meeting": (("meetings",), None, ()),
    # the agency's channel list: every client page's channel map shows it, as it shows the matrix
    "commercial.channel": (("growth", "matrices"), None, ()),
    "commercial.channelrow": (("growth",), "client_id", ()),
    "commercial.opportunity": (("growth",), "client_id", ("owner_id",)),
    "commercial.project": (("growth",), "client_id", ()),
    "commercial.audit": (("growth",), "opportunity.client_id", ("assignee_id",)),
    "commercial.entertainmentpot": (("growth",), "client_id", ()),
    "commercial.entertainmentaccrual": (("growth",), "client_id", ()),
    "commercial.entertainmentevent": (("growth",), "client_id", ()),
    "commercial.delightsettings": (("growth",), None, ()),
    "commercial.delightround": (("growth",), None, ()),
    "commercial.delightvote": (("growth",), None, ()),
    "commercial.delightgift": (("growth",), None, ()),
    # a client page's feature sections read these through their parent record (a dotted path)
    "onboarding.onboardingstep": ((), "onboarding.client_id", ("owner_id",)),
    "reporting.milestone": ((), "job.client_id", ("job.owner_id",)),  # my week: milestones of my jobs
    "reporting.job": ((), "client_id", ("owner_id",)),
    "commercial.planmetric": ((), "plan.client_id", ()),
    "commercial.planobjective": ((), "plan.client_id", ("owner_id",)),  # my week: objectives I own
    "commercial.planreview": ((), "plan.client_id", ()),
    "auth.user": (("people",), None, ("pk",)),
    "people.staffprofile": (("people",), None, ("user_id",)),
    "people.role": (("people",), None, ()),
}


def client_scope(pk) -> str:
    return f"client:{pk}"


def user_scope(pk) -> str:
    return f"user:{pk}"


def kind_scope(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown cache kind {kind!r}: {', '.join(KINDS)}")
    return f"kind:{kind}"


# Every key carries this one too: the loading commands (seed_demo, seed_scale) move it, as they
# write in bulk without saying what.
EVERYTHING = "everything"


def scopes_of(*, client_ids=(), user_ids=(), kinds=()) -> list[str]:
    out = {EVERYTHING} | {client_scope(pk) for pk in client_ids if pk}
    out |= {user_scope(pk) for pk in user_ids if pk}
    out |= {kind_scope(k) for k in kinds}
    return sorted(out)


def versions_bump(*, client_ids=(), user_ids=(), kinds=(), everything=False) -> None:
    """Outdate the fragments that read these clients, people or kinds of record.

    One statement, in the caller's transaction: rolled back with the write, and seen by the next
    request as soon as the write is. Scopes are moved in a fixed order, so two writers never deadlock.
    """
    scopes = scopes_of(client_ids=client_ids, user_ids=user_ids, kinds=kinds)
    if not everything:
        scopes.remove(EVERYTHING)
    if not scopes:
        return
    table = connection.ops.quote_name(TABLE)
    rows = ", ".join(["(%s, 1)"] * len(scopes))
    sql = f"INSERT INTO {table} (scope, n) VALUES {rows} ON CONFLICT (scope) DO UPDATE SET n = {table}.n + 1"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, scopes)
    except DatabaseError:  # never let the cache break the write: the expiry bounds what is missed
        log.exception("could not move the cache versions of %s", ", ".join(scopes[:5]))


# --- the writes: a mapped model's save or delete moves its scopes ----------------------------------


def _scopes_of_instance(instance):
    spec = MODELS.get(instance._meta.label_lower)
    if spec is None:
        # another app's record about a client (e.g. a section added to the client page) outdates
        # that client's fragments
        client_id = getattr(instance, "client_id", None)
        return ((), (client_id,) if client_id else (), ())
    kinds, client_field, user_fields = spec
    # "plan.client_id": the parent's client (one read, on a write only)
    client_id = _field(instance, client_field) if client_field else None
    return (kinds, (client_id,) if client_id else (), tuple(_field(instance, f) for f in user_fields))


def _field(instance, path: str):
    """A field of the record, or of its parent ("job.owner_id"); None if there is none."""
    try:
        return attrgetter(path)(instance)
    except (AttributeError, ObjectDoesNotExist):
        return None


def _record_written(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or sender._meta.db_table == TABLE or sender._meta.app_label in _IGNORED_APPS:
        return
    if update_fields and set(update_fields) <= {"last_login"}:  # a login shows on no page
        return
    kinds, client_ids, user_ids = _scopes_of_instance(instance)
    if kinds or client_ids or user_ids:
        versions_bump(client_ids=client_ids, user_ids=user_ids, kinds=kinds)


def _relation_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        _record_written(type(instance), instance)


# Bookkeeping no page reads as data: sessions, login throttling, the outbox, notices, history.
_IGNORED_APPS = frozenset({"sessions", "axes", "admin", "contenttypes"})


def connect_signals():
    """Called once from ReportingConfig.ready()."""
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in MODELS or (
            model._meta.app_label in {"clients", "reporting", "commercial", "onboarding"}
            and not label.split(".")[1].startswith("historical")
            and any(f.name == "client" for f in model._meta.fields)
        ):
            post_save.connect(_record_written, sender=model, dispatch_uid=f"csops-cache-{label}")
            post_delete.connect(_record_written, sender=model, dispatch_uid=f"csops-cache-del-{label}")
    m2m_changed.connect(_relation_changed, dispatch_uid="csops-cache-m2m")
