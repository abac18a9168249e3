"""Every named URL × every role: the right allow or deny (PRODUCT.md §6 security).

The test walks the URLconf; a named URL with no entry in MATRIX fails `test_every_url_has_an_entry`,
so a new view cannot ship without deciding who may use it.
"""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .conftest import PERSONAS

# Expected status per persona. Personas: anon, norole, team_am (lead AM on the client), other_am,
# head (head of CS), sponsor (the client's exec sponsor), other_sponsor, admin.
LOGIN = 302  # anonymous visitors are sent to the login page


def expect(default, **overrides):
    return {p: overrides.get(p, default) for p in PERSONAS}


def contact_kwargs(w):
    from tests.factories import ContactFactory

    return {"pk": w.client.pk, "contact_pk": ContactFactory(client=w.client).pk}


def member_kwargs(w):
    return {"pk": w.client.pk, "member_pk": w.client.memberships.get(user=w.team_am).pk}


def client_kwargs(w):
    return {"pk": w.client.pk}


def call_kwargs(w):
    from tests.factories import CallFactory

    return {"pk": w.client.pk, "call_pk": CallFactory(client=w.client, author=w.team_am).pk}


def report_kwargs(w):
    from tests.factories import CallFactory, ContactFactory

    call = CallFactory(client=w.client, author=w.team_am)
    call.contact_attendees.add(ContactFactory(client=w.client))
    return {"pk": w.client.pk, "call_pk": call.pk}


def flag_kwargs(w):
    from tests.factories import FlagFactory

    return {"pk": w.client.pk, "flag_pk": FlagFactory(client=w.client, owner=w.team_am).pk}


def action_kwargs(w):
    from tests.factories import ActionFactory

    return {"pk": w.client.pk, "action_pk": ActionFactory(client=w.client, owner=w.other_am).pk}


def rule_kwargs(w):
    from tests.factories import EscalationRuleFactory

    return {"pk": w.client.pk, "rule_pk": EscalationRuleFactory(client=w.client).pk}


def notification_kwargs(w):
    from tests.factories import NotificationFactory

    return {"pk": NotificationFactory(user=w.team_am).pk}


def feed_kwargs(w):
    from tests.factories import CalendarFeedFactory

    return {"token": CalendarFeedFactory(user=w.team_am).token}


def pdp_kwargs(w):
    from tests.factories import PdpFactory

    return {"pk": PdpFactory(staff=w.team_am).pk}


def occurrence_kwargs(w):
    from tests.factories import OccurrenceFactory

    return {"pk": OccurrenceFactory(client=w.client, kind="report").pk}


def contract_kwargs(w):
    from tests.factories import ContractFactory

    return {"pk": w.client.pk, "contract_pk": ContractFactory(client=w.client).pk}


def document_kwargs(w):
    from django.core.files.base import ContentFile

    from tests.factories import ContractFactory

    contract = ContractFactory(client=w.client)
    contract.document.save("signed.pdf", ContentFile(b"%PDF-1.4 test"))
    return {"contract_pk": contract.pk}


def meeting_kwargs(w):
    from tests.factories import MeetingFactory

    return {"pk": MeetingFactory(chair=w.head).pk}


def meeting_pack_kwargs(w):
    from django.core.files.base import ContentFile

    from tests.factories import MeetingFactory

    meeting = MeetingFactory(chair=w.head)
    pack = meeting.packs.create(data_version=0, rendered_at=meeting.created_at)
    pack.file.save("pack.pdf", ContentFile(b"%PDF-1.4 test"))
    return {"pk": meeting.pk, "pack_pk": pack.pk}


def survey_invite_kwargs(w):
    from tests.factories import ContactFactory, SurveyInviteFactory

    return {"pk": SurveyInviteFactory(contact=ContactFactory(client=w.client), created_by=w.team_am).pk}


def survey_token_kwargs(w):
    from reporting.services.feedback import survey_token
    from tests.factories import ContactFactory, SurveyInviteFactory

    invite = SurveyInviteFactory(contact=ContactFactory(client=w.client), created_by=w.team_am)
    return {"token": survey_token(invite)}


def pk_of(factory_name, **fields_of_world):
    """kwargs {"pk": a new object of tests.factories.<factory_name>} on the world's client."""

    def build(w):
        from tests import factories

        fields = {k: getattr(w, v) for k, v in fields_of_world.items()}
        return {"pk": getattr(factories, factory_name)(client=w.client, **fields).pk}

    return build


def survey_response_kwargs(w):
    from tests.factories import ContactFactory, SurveyInviteFactory, SurveyResponseFactory

    invite = SurveyInviteFactory(contact=ContactFactory(client=w.client), created_by=w.team_am)
    return {"pk": SurveyResponseFactory(invite=invite).pk}


def api_token_kwargs(w):
    from tests.factories import ApiTokenFactory

    return {"pk": ApiTokenFactory(user=w.team_am).pk}


def other_am_kwargs(w):
    return {"pk": w.other_am.pk}


def tier_kwargs(w):
    return {"pk": w.client.tier.pk}


def role_kwargs(w):
    from people.models import Role

    return {"pk": Role.objects.get(code=Role.ACCOUNT_MANAGER).pk}


def team_year_kwargs(w):
    from tests.factories import TeamYearFactory

    TeamYearFactory()
    return {}


def objective_kwargs(w):
    from tests.factories import ObjectiveFactory

    return {"pk": ObjectiveFactory().pk}


def measure_create_kwargs(w):
    from tests.factories import ObjectiveFactory

    return {"objective_pk": ObjectiveFactory().pk}


def measure_kwargs(w):
    from tests.factories import MeasureFactory

    return {"pk": MeasureFactory().pk}


def pitch_kwargs(w):
    from tests.factories import PitchFactory

    return {"pk": PitchFactory().pk}


def timesheet_kwargs(w):
    from tests.factories import TimesheetFactory

    return {"pk": TimesheetFactory(user=w.team_am).pk}


def step_kwargs(w):
    from tests.factories import OnboardingFactory, OnboardingStepFactory

    return {
        "pk": w.client.pk,
        "step_pk": OnboardingStepFactory(onboarding=OnboardingFactory(client=w.client)).pk,
    }


def email_kwargs(w):
    return {"pk": w.client.pk, "code": "intro"}


def form_link_kwargs(w):
    return {"pk": w.client.pk, "kind": "onboarding"}


def form_token_kwargs(w):
    from onboarding.services.intake import form_link_create

    return {"token": form_link_create(client=w.client, kind="onboarding", by=w.team_am)[1]}


def job_kwargs(w):
    from tests.factories import JobFactory

    return {"pk": w.client.pk, "job_pk": JobFactory(client=w.client, owner=w.team_am).pk}


def milestone_kwargs(w):
    from tests.factories import MilestoneFactory

    return {"pk": w.client.pk, "milestone_pk": MilestoneFactory(job__client=w.client).pk}


def dashboard_link_kwargs(w):
    from tests.factories import DashboardLinkFactory

    return {"pk": w.client.pk, "link_pk": DashboardLinkFactory(client=w.client, created_by=w.team_am).pk}


def dashboard_token_kwargs(w):
    from reporting.services.sharing import dashboard_token
    from tests.factories import CommsPlanFactory, DashboardLinkFactory

    CommsPlanFactory(client=w.client, live_dashboard=True)
    return {"token": dashboard_token(DashboardLinkFactory(client=w.client, created_by=w.team_am))}


def on_support_kwargs(w):
    from tests.factories import SupportArrangementFactory

    SupportArrangementFactory(client=w.client, created_by=w.team_am)
    return {"pk": w.client.pk}


def support_request_kwargs(w):
    from django.utils import timezone

    from tests.factories import SupportArrangementFactory, support_request

    arrangement = SupportArrangementFactory(client=w.client, created_by=w.team_am)
    return {
        "pk": w.client.pk,
        "request_pk": support_request(arrangement=arrangement, received_at=timezone.now()).pk,
    }


def opportunity_kwargs(w):
    from tests.commercial.factories_growth import OpportunityFactory

    return {"opp_pk": OpportunityFactory(client=w.client, owner=w.team_am).pk}


def won_kwargs(w):
    from tests.commercial.factories_growth import OpportunityFactory

    return {"opp_pk": OpportunityFactory(client=w.client, owner=w.team_am, stage="won", kind="upsell").pk}


def audit_kwargs(w):
    from tests.commercial.factories_growth import AuditFactory, OpportunityFactory

    return {"audit_pk": AuditFactory(opportunity=OpportunityFactory(client=w.client, owner=w.team_am)).pk}


def audit_file_kwargs(w):
    from django.core.files.base import ContentFile

    from tests.commercial.factories_growth import AuditFactory, OpportunityFactory

    audit = AuditFactory(opportunity=OpportunityFactory(client=w.client, owner=w.team_am))
    audit.file.save("audit.pdf", ContentFile(b"%PDF-1.4 test"))
    return {"audit_pk": audit.pk}


def channel_kwargs(w):
    from tests.commercial.factories_growth import channel

    return {"pk": w.client.pk, "channel_pk": channel().pk}


def event_kwargs(w):
    from tests.commercial.factories_growth import EntertainmentEventFactory

    return {"event_pk": EntertainmentEventFactory(client=w.client, sponsor_attending=True).pk}


def gift_kwargs(w):
    from tests.commercial.factories_growth import DelightRoundFactory

    return {"round_pk": DelightRoundFactory(status="decided", winner=w.client).pk}


def open_round(w):
    from tests.commercial.factories_growth import DelightRoundFactory

    DelightRoundFactory()
    return None


def tied_round(w):
    from tests.commercial.factories_growth import DelightRoundFactory

    DelightRoundFactory(status="tied")
    return None


def plan_kwargs(w):
    from tests.factories import AccountPlanFactory

    return {"pk": w.client.pk, "year": AccountPlanFactory(client=w.client).year}


def plan_objective_kwargs(w):
    from tests.factories import AccountPlanFactory, PlanObjectiveFactory

    plan = AccountPlanFactory(client=w.client)
    return {"pk": w.client.pk, "objective_pk": PlanObjectiveFactory(plan=plan, owner=w.other_am).pk}


def plan_review_kwargs(w):
    from tests.factories import AccountPlanFactory, PlanReviewFactory

    return {"pk": w.client.pk, "review_pk": PlanReviewFactory(plan=AccountPlanFactory(client=w.client)).pk}


def qbr_kwargs(w):
    from tests.factories import QbrFactory

    return {"pk": w.client.pk, "qbr_pk": QbrFactory(client=w.client).pk}


def client_report_kwargs(w):
    from tests.factories import OccurrenceFactory

    return {"pk": w.client.pk, "occurrence_pk": OccurrenceFactory(client=w.client, kind="report").pk}


# name: (method, kwargs builder or None, expected statuses)
CLIENT_READ = expect(200, anon=LOGIN, norole=404, other_sponsor=404)
CLIENT_EDIT = expect(403, anon=LOGIN, norole=404, other_sponsor=404, team_am=200, head=200, admin=200)
CONTACT_EDIT = expect(403, anon=LOGIN, norole=404, other_sponsor=404, team_am=200, head=200, admin=200)
TEAM_MANAGE = expect(403, anon=LOGIN, norole=404, other_sponsor=404, head=200, admin=200)
TEAM_MANAGE_POST = expect(403, anon=LOGIN, norole=404, other_sponsor=404, head=302, admin=302)
# the account team and the head of CS write calls, actions and work flags; admins configure, not log
TEAM_WRITE = expect(403, anon=LOGIN, norole=404, other_sponsor=404, team_am=200, head=200)
MATRIX_SCREEN = expect(403, anon=LOGIN, head=200, admin=200)  # admins edit; the head of CS reads
TEAM_WRITE_POST = expect(403, anon=LOGIN, norole=404, other_sponsor=404, team_am=302, head=302)

CS_TEAM_READ = expect(403, anon=LOGIN, team_am=200, other_am=200, head=200)
HEAD_ONLY = expect(403, anon=LOGIN, head=200)
EVERYONE_IN_CS = expect(403, anon=LOGIN, team_am=200, other_am=200, head=200, admin=200)
API_LIST = expect(200, anon=401, norole=403)
API_DETAIL = expect(200, anon=401, norole=403, other_sponsor=404)
EXPORTS = expect(200, anon=LOGIN, norole=403)

PEOPLE_MANAGE = expect(403, anon=LOGIN, head=200, admin=200)  # only the head of CS and admins (issue 18)

MATRIX = {
    "home": ("get", None, expect(302, norole=200)),
    "login": ("get", None, expect(200)),
    "logout": ("post", None, expect(302)),
    "password_change": ("get", None, expect(200, anon=LOGIN)),
    "password_change_done": ("get", None, expect(200, anon=LOGIN)),
    "password_reset": ("get", None, expect(200)),
    "password_reset_done": ("get", None, expect(200)),
    "password_reset_confirm": ("get", lambda w: {"uidb64": "MQ", "token": "bad-token"}, expect(200)),
    "password_reset_complete": ("get", None, expect(200)),
    # single sign-on (tests/test_sso.py): no provider is configured here, so its round trip is a 404
    "account_login": ("get", None, expect(200)),
    "openid_connect_login": ("get", lambda w: {"provider_id": "google"}, expect(404)),
    "openid_connect_callback": ("get", lambda w: {"provider_id": "google"}, expect(404)),
    "socialaccount_login_cancelled": ("get", None, expect(200)),
    "socialaccount_login_error": ("get", None, expect(401)),
    "socialaccount_signup": ("get", None, expect(302)),  # nothing pending: back to the log-in page
    "clients:list": ("get", None, expect(200, anon=LOGIN, norole=403)),
    "clients:create": ("get", None, expect(403, anon=LOGIN, head=200, admin=200)),
    "clients:detail": ("get", client_kwargs, CLIENT_READ),
    "clients:edit": ("get", client_kwargs, CLIENT_EDIT),
    "clients:archive": ("post", client_kwargs, TEAM_MANAGE_POST),
    "clients:unarchive": ("post", client_kwargs, TEAM_MANAGE_POST),
    "clients:contact_create": ("get", client_kwargs, CONTACT_EDIT),
    "clients:contact_edit": ("get", contact_kwargs, CONTACT_EDIT),
    "clients:contact_archive": (
        "post",
        contact_kwargs,
        expect(403, anon=LOGIN, norole=404, other_sponsor=404, team_am=302, head=302, admin=302),
    ),
    "clients:team_add": ("get", client_kwargs, TEAM_MANAGE),
    "clients:team_edit": ("get", member_kwargs, TEAM_MANAGE),
    "clients:team_remove": ("post", member_kwargs, TEAM_MANAGE_POST),
    "people:staff_list": ("get", None, expect(200, anon=LOGIN, norole=403)),
    "my_week": ("get", None, expect(403, anon=LOGIN, team_am=200, other_am=200, head=200)),
    "clients:call_create": ("get", client_kwargs, TEAM_WRITE),
    "clients:call_detail": ("get", call_kwargs, CLIENT_READ),
    "clients:call_edit": ("get", call_kwargs, TEAM_WRITE),
    "clients:call_send_report": ("post", report_kwargs, TEAM_WRITE_POST),
    "clients:action_create": ("get", client_kwargs, TEAM_WRITE),
    # the action's owner may tick it off wherever it lives; other_am owns the one in this test
    "clients:action_toggle": ("post", action_kwargs, {**TEAM_WRITE_POST, "other_am": 302}),
    "clients:flag_create": ("get", client_kwargs, {**TEAM_WRITE, "sponsor": 200}),
    "clients:flag_detail": ("get", flag_kwargs, CLIENT_READ),
    "clients:flag_in_hand": ("post", flag_kwargs, TEAM_WRITE_POST),
    "clients:flag_resolve": ("get", flag_kwargs, {**TEAM_WRITE, "team_am": 403}),
    "clients:stakeholder_update": (
        "post",
        lambda w: {**contact_kwargs(w)},
        {**TEAM_WRITE_POST, "admin": 302},
    ),
    "people:notifications": ("get", None, expect(200, anon=LOGIN)),
    "people:notifications_read_all": ("post", None, expect(302)),
    "people:notification_read": ("post", notification_kwargs, expect(404, anon=LOGIN, team_am=302)),
    "people:calendar": ("get", None, expect(200, anon=LOGIN)),
    # the secret token is the credential: calendar apps cannot log in
    "calendar_feed": ("get", feed_kwargs, expect(200)),
    "people:pdp_list": ("get", None, expect(200, anon=LOGIN)),
    # the team (issue 18): managing people, tiers and role definitions is the head of CS's and admins'
    "people:person_invite": ("get", None, PEOPLE_MANAGE),
    "people:invitation_accept": ("get", lambda w: {"uidb64": "MQ", "token": "bad-token"}, expect(200)),
    "people:person_edit": ("get", other_am_kwargs, PEOPLE_MANAGE),
    "people:person_reinvite": ("post", other_am_kwargs, expect(403, anon=LOGIN, head=302, admin=302)),
    "people:person_deactivate": ("get", other_am_kwargs, PEOPLE_MANAGE),
    "people:tier_list": ("get", None, PEOPLE_MANAGE),
    "people:tier_create": ("get", None, PEOPLE_MANAGE),
    "people:tier_edit": ("get", tier_kwargs, PEOPLE_MANAGE),
    "people:role_edit": ("get", role_kwargs, PEOPLE_MANAGE),
    "people:org": ("get", None, expect(200, anon=LOGIN, norole=403)),
    # your own timesheet; a report's for their line manager, anyone's for the head of CS
    "people:timesheet": ("get", None, expect(200, anon=LOGIN, norole=403)),
    "people:timesheet_for": (
        "get",
        lambda w: {"user_pk": w.team_am.pk},
        expect(404, anon=LOGIN, team_am=200, head=200),
    ),
    "people:utilisation": ("get", None, PEOPLE_MANAGE),
    "people:cost_to_serve": ("get", None, PEOPLE_MANAGE),
    "people:cs_fee_edit": ("get", lambda w: {"client_pk": w.client.pk}, PEOPLE_MANAGE),
    "people:objectives": ("get", None, expect(200, anon=LOGIN, norole=403)),
    "people:mantra_edit": ("get", None, PEOPLE_MANAGE),
    "people:objective_create": ("get", team_year_kwargs, PEOPLE_MANAGE),
    "people:objective_edit": ("get", objective_kwargs, PEOPLE_MANAGE),
    "people:measure_create": ("get", measure_create_kwargs, PEOPLE_MANAGE),
    "people:measure_edit": ("get", measure_kwargs, PEOPLE_MANAGE),
    # PDPs: the person, their line manager and the head of CS; admins configure and see none
    "people:pdp_create": ("get", None, expect(403, anon=LOGIN, head=200)),
    "people:pdp_detail": ("get", pdp_kwargs, expect(404, anon=LOGIN, team_am=200, head=200)),
    "people:pdp_pdf": ("get", pdp_kwargs, expect(404, anon=LOGIN, team_am=200, head=200)),
    "people:pdp_edit": ("get", pdp_kwargs, expect(404, anon=LOGIN, team_am=403, head=200)),
    "people:pdp_target_add": ("get", pdp_kwargs, expect(404, anon=LOGIN, team_am=403, head=200)),
    "people:pdp_review_add": ("get", pdp_kwargs, expect(404, anon=LOGIN, team_am=403, head=200)),
    "reporting:matrix": ("get", None, MATRIX_SCREEN),
    "reporting:plan_edit": ("get", client_kwargs, TEAM_WRITE),
    "reporting:plan_reset": ("post", client_kwargs, TEAM_WRITE_POST),
    "reporting:occurrence_done": ("post", occurrence_kwargs, TEAM_WRITE_POST),
    "commercial:entertainment_matrix": ("get", None, MATRIX_SCREEN),
    "commercial:contract_create": ("get", client_kwargs, CLIENT_EDIT),
    "commercial:contract_edit": ("get", contract_kwargs, CLIENT_EDIT),
    "commercial:contract_document": ("get", document_kwargs, CLIENT_READ),
    # growth and relationship investment (issue 15): the account team writes its clients' records,
    # the head of CS everything; exec sponsors read the events of the clients they sponsor
    "commercial:channel_row_edit": ("get", channel_kwargs, TEAM_WRITE),
    "commercial:pipeline": ("get", None, CS_TEAM_READ),
    "commercial:opportunity_create": ("get", client_kwargs, TEAM_WRITE),
    "commercial:opportunity_detail": ("get", opportunity_kwargs, CLIENT_READ),
    "commercial:opportunity_edit": ("get", opportunity_kwargs, TEAM_WRITE),
    "commercial:opportunity_spend_apply": ("post", won_kwargs, TEAM_WRITE_POST),
    "commercial:audit_create": ("get", opportunity_kwargs, TEAM_WRITE),
    "commercial:audit_edit": ("get", audit_kwargs, TEAM_WRITE),
    "commercial:audit_file": ("get", audit_file_kwargs, CLIENT_READ),
    "commercial:ledger": ("get", None, CS_TEAM_READ),
    "commercial:event_calendar": ("get", None, CS_TEAM_READ),
    "commercial:event_create": ("get", client_kwargs, TEAM_WRITE),
    "commercial:event_detail": ("get", event_kwargs, CLIENT_READ),
    "commercial:event_edit": ("get", event_kwargs, TEAM_WRITE),
    "commercial:pot_pooling": ("post", client_kwargs, TEAM_WRITE_POST),
    "commercial:delight": ("get", None, CS_TEAM_READ),
    # an empty vote is a form error (400) for the CS team: nothing is written
    "commercial:delight_vote": (
        "post",
        open_round,
        expect(403, anon=LOGIN, team_am=400, other_am=400, head=400),
    ),
    "commercial:delight_pick": ("post", tied_round, expect(403, anon=LOGIN, head=400)),
    "commercial:delight_gift": ("get", gift_kwargs, TEAM_WRITE),
    "reporting:meeting_close": ("post", meeting_kwargs, expect(403, anon=LOGIN, head=302)),
    # account plans: the account team and the head of CS write them; whoever sees the client reads
    "commercial:plan_current": ("get", client_kwargs, expect(302, norole=404, other_sponsor=404)),
    "commercial:plan_create": ("get", client_kwargs, TEAM_WRITE),
    "commercial:plan_detail": ("get", plan_kwargs, CLIENT_READ),
    "commercial:plan_edit": ("get", plan_kwargs, TEAM_WRITE),
    "commercial:objective_create": ("get", plan_kwargs, TEAM_WRITE),
    # the objective's owner may tick it off; other_am owns the one in this test
    "commercial:objective_toggle": ("post", plan_objective_kwargs, {**TEAM_WRITE_POST, "other_am": 302}),
    "commercial:review_raise": ("get", plan_kwargs, TEAM_WRITE),
    "commercial:review_detail": ("get", plan_review_kwargs, CLIENT_READ),
    "commercial:client_review": ("get", client_kwargs, CLIENT_READ),
    "commercial:client_review_pdf": ("get", client_kwargs, CLIENT_READ),
    "commercial:client_review_mark": ("post", client_kwargs, TEAM_WRITE_POST),
    "commercial:qbr_list": ("get", client_kwargs, CLIENT_READ),
    "commercial:qbr_detail": ("get", qbr_kwargs, CLIENT_READ),
    "commercial:qbr_pdf": ("get", qbr_kwargs, CLIENT_READ),
    "commercial:client_report": ("get", client_report_kwargs, CLIENT_READ),
    "commercial:client_report_pdf": ("get", client_report_kwargs, CLIENT_READ),
    "commercial:client_report_sent": ("post", client_report_kwargs, TEAM_WRITE_POST),
    "onboarding:pricing_matrix": ("get", None, MATRIX_SCREEN),
    # pitches: new business and the head of CS (tests/onboarding/test_pitches.py covers new business)
    "onboarding:pipeline": ("get", None, HEAD_ONLY),
    "onboarding:pitch_create": ("get", None, HEAD_ONLY),
    "onboarding:pitch_detail": ("get", pitch_kwargs, HEAD_ONLY),
    "onboarding:pitch_edit": ("get", pitch_kwargs, HEAD_ONLY),
    "onboarding:pitch_won": ("get", pitch_kwargs, HEAD_ONLY),
    "onboarding:pitch_close": ("get", pitch_kwargs, HEAD_ONLY),
    # onboarding: the account team and the head of CS; the list is the head of CS's
    "onboarding:list": ("get", None, HEAD_ONLY),
    "onboarding:step_update": ("get", step_kwargs, TEAM_WRITE),
    "onboarding:step_due": ("get", step_kwargs, TEAM_WRITE),
    "onboarding:email_send": ("get", email_kwargs, TEAM_WRITE),
    "onboarding:intake_fill": ("get", client_kwargs, TEAM_WRITE),
    "onboarding:form_link_create": ("post", form_link_kwargs, TEAM_WRITE_POST),
    "onboarding:project_create": ("get", client_kwargs, TEAM_WRITE),
    # finance details: the account team, the head of CS and admins
    "onboarding:finance_fill": ("get", client_kwargs, CONTACT_EDIT),
    # the client contact's form: the signed link is the credential, no login
    "onboarding:public_form": ("get", form_token_kwargs, expect(200)),
    "clients:agency_escalation": ("get", None, MATRIX_SCREEN),
    "clients:escalation_create": ("get", client_kwargs, TEAM_MANAGE),
    "clients:escalation_edit": ("get", rule_kwargs, TEAM_MANAGE),
    # the weekly meet: the CS team reads it, the head of CS runs it
    "reporting:meetings": ("get", None, CS_TEAM_READ),
    "reporting:meeting_open": ("post", None, expect(403, anon=LOGIN, head=302)),
    "reporting:meeting_detail": ("get", meeting_kwargs, CS_TEAM_READ),
    "reporting:meeting_edit": ("post", meeting_kwargs, expect(403, anon=LOGIN, head=302)),
    "reporting:meeting_action_create": ("get", meeting_kwargs, HEAD_ONLY),
    "reporting:meeting_pdf": ("get", meeting_kwargs, CS_TEAM_READ),
    "reporting:meeting_pack_file": ("get", meeting_pack_kwargs, CS_TEAM_READ),
    # NPS: the client's sponsor (or the head of CS for them) enters the check-in
    "reporting:sponsor_home": ("get", None, expect(403, anon=LOGIN, sponsor=200, other_sponsor=200)),
    "reporting:checkin": (
        "get",
        client_kwargs,
        expect(403, anon=LOGIN, norole=404, other_sponsor=404, sponsor=200, head=200),
    ),
    "reporting:survey_create": ("post", contact_kwargs, TEAM_WRITE_POST),
    "reporting:survey_invite": ("get", survey_invite_kwargs, TEAM_WRITE),
    "reporting:nps": ("get", None, EVERYONE_IN_CS),
    "reporting:satisfaction": ("get", None, EVERYONE_IN_CS),
    "reporting:satisfaction_pdf": ("get", None, EVERYONE_IN_CS),
    "reporting:portfolio": ("get", None, expect(403, anon=LOGIN, head=200, admin=200)),
    # the client contact's survey: the signed link is the credential, no login
    "survey": ("get", survey_token_kwargs, expect(200)),
    # jobs and status reports (seed 003): the team writes, whoever reads the client reads the report
    "reporting:am_status_report": ("get", None, CS_TEAM_READ),
    "reporting:status_report": ("get", client_kwargs, CLIENT_READ),
    "reporting:status_report_pdf": ("get", client_kwargs, CLIENT_READ),
    "reporting:status_review": ("post", client_kwargs, TEAM_WRITE_POST),
    "reporting:job_create": ("get", client_kwargs, TEAM_WRITE),
    "reporting:job_edit": ("get", job_kwargs, TEAM_WRITE),
    # an empty milestone form is a field error (400) for those allowed to send it
    "reporting:milestone_create": ("post", job_kwargs, {**TEAM_WRITE_POST, "team_am": 400, "head": 400}),
    "reporting:milestone_toggle": ("post", milestone_kwargs, TEAM_WRITE_POST),
    # the live dashboard's share screen: the account team and the head of CS; the grant is the head's
    "reporting:dashboard_manage": ("get", client_kwargs, TEAM_WRITE),
    "reporting:dashboard_link_create": (
        "post",
        client_kwargs,
        {**TEAM_WRITE_POST, "team_am": 400, "head": 400},
    ),
    "reporting:dashboard_link_revoke": ("post", dashboard_link_kwargs, TEAM_WRITE_POST),
    "reporting:dashboard_commentary": ("post", client_kwargs, TEAM_WRITE_POST),
    "reporting:dashboard_grant": (
        "post",
        client_kwargs,
        expect(403, anon=LOGIN, norole=404, other_sponsor=404, head=302),
    ),
    # the client's dashboard: the signed share link is the credential, no login
    "dashboard_shared": ("get", dashboard_token_kwargs, expect(200)),
    # the support register (seed 001): SLA performance across clients is the head of CS's page
    "clients:support_register": ("get", None, expect(403, anon=LOGIN, head=200, admin=200)),
    "clients:support": ("get", client_kwargs, CLIENT_READ),
    "clients:support_setup": ("get", client_kwargs, CLIENT_EDIT),
    "clients:support_request_create": ("get", on_support_kwargs, TEAM_WRITE),
    "clients:support_request": ("get", support_request_kwargs, CLIENT_READ),
    "clients:support_request_flag": ("post", support_request_kwargs, {**TEAM_WRITE_POST, "sponsor": 302}),
    "bench_bare": ("get", None, expect(200, anon=LOGIN)),
    # no login (load balancers, docker-compose); the test broker has no worker, so it says 503 honestly
    "health": ("get", None, expect(503)),
    # REST API (issue 19): 401 without credentials (a token, or the docs page's session); roles that
    # read no client 403; lists are each person's scope, another's object 404 (tests/api/)
    **{
        f"api:{kind}-list": ("get", None, API_LIST)
        for kind in ("client", "contact", "call", "flag", "action", "nps-checkin", "survey-response")
    },
    "api:client-detail": ("get", client_kwargs, API_DETAIL),
    "api:contact-detail": ("get", pk_of("ContactFactory"), API_DETAIL),
    "api:call-detail": ("get", pk_of("CallFactory", author="team_am"), API_DETAIL),
    "api:flag-detail": ("get", pk_of("FlagFactory", owner="team_am"), API_DETAIL),
    "api:action-detail": ("get", pk_of("ActionFactory", owner="other_am"), API_DETAIL),
    # the owner (other_am here) or the account team ticks an action off
    "api:action-done": (
        "post",
        pk_of("ActionFactory", owner="other_am"),
        {**API_DETAIL, "sponsor": 403, "admin": 403},
    ),
    "api:nps-checkin-detail": ("get", pk_of("NpsCheckInFactory", sponsor="sponsor"), API_DETAIL),
    "api:survey-response-detail": ("get", survey_response_kwargs, API_DETAIL),
    "api:schema": ("get", None, API_LIST),
    "api:docs": ("get", None, API_LIST),
    # a person's own tokens; someone else's is a 404
    "people:api_tokens": ("get", None, expect(200, anon=LOGIN, norole=403)),
    "people:api_token_revoke": ("post", api_token_kwargs, expect(404, anon=LOGIN, team_am=302)),
    # two-factor (tests/people/test_two_factor.py): anyone's own; the code step needs a right password
    # first (none here: back to the log-in page); recovery codes and turning off need TOTP on (none
    # here: back to the set-up page)
    "login_code": ("get", None, expect(302)),
    "people:two_factor": ("get", None, expect(200, anon=LOGIN)),
    "people:two_factor_recovery_codes": ("post", None, expect(302)),
    "people:two_factor_disable": ("post", None, expect(302)),
    # search (issue 19): whoever reads clients, results in their scope (tests/test_search.py)
    "search": ("get", None, expect(200, anon=LOGIN, norole=403)),
    # spreadsheet import (issue 19): admins and the head of CS (tests/test_import.py)
    "clients:import": ("get", None, expect(403, anon=LOGIN, head=200, admin=200)),
    "clients:import_confirm": ("post", None, expect(403, anon=LOGIN, head=302, admin=302)),
    "clients:import_template": (
        "get",
        lambda w: {"kind": "clients", "fmt": "csv"},
        expect(403, anon=LOGIN, head=200, admin=200),
    ),
    # exports (issue 19): whoever reads clients, each their own scope (tests/test_exports.py)
    "exports:index": ("get", None, EXPORTS),
    **{
        f"exports:{slug}": ("get", lambda w, i=i: {"fmt": "csv" if i % 2 else "xlsx"}, EXPORTS)
        for i, slug in enumerate(
            (
                "clients",
                "contacts",
                "account-teams",
                "calls",
                "flags",
                "actions",
                "nps-checkins",
                "survey-responses",
                "contracts",
            )
        )
    },
    # the feature lists' exports (issue 19): each its page's scope (tests/test_exports_features.py)
    "exports:opportunities": ("get", lambda w: {"fmt": "csv"}, CS_TEAM_READ),
    "exports:pitches": ("get", lambda w: {"fmt": "xlsx"}, HEAD_ONLY),
    "exports:timesheets": ("get", lambda w: {"fmt": "csv"}, EXPORTS),
    "exports:support-requests": ("get", lambda w: {"fmt": "xlsx"}, EXPORTS),
    "exports:entertainment-events": ("get", lambda w: {"fmt": "csv"}, CS_TEAM_READ),
    "exports:jobs": ("get", lambda w: {"fmt": "xlsx"}, CS_TEAM_READ),
    # their API (tests/api/test_api_features.py): opportunities as their client; timesheets your own,
    # a report's, anyone's for the head of CS; pitches for who runs them
    "api:opportunity-list": ("get", None, API_LIST),
    "api:opportunity-detail": (
        "get",
        lambda w: {"pk": opportunity_kwargs(w)["opp_pk"]},
        API_DETAIL,
    ),
    "api:timesheet-list": ("get", None, API_LIST),
    "api:timesheet-detail": (
        "get",
        timesheet_kwargs,
        expect(404, anon=401, norole=403, team_am=200, head=200),
    ),
    "api:pitch-list": ("get", None, expect(403, anon=401, head=200)),
    "api:pitch-detail": ("get", pitch_kwargs, expect(403, anon=401, head=200)),
}

# The Django admin guards itself (is_staff); its index is checked here, its own pages are Django's.
ADMIN_INDEX = expect(302, admin=200)


def named_urls(patterns=None, namespace=""):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            if ns == "admin:":
                continue
            yield from named_urls(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}"


def test_every_url_has_an_entry():
    discovered = set(named_urls())
    assert discovered - set(MATRIX) == set(), "add these URLs to MATRIX with who may use them"
    assert set(MATRIX) - discovered == set(), "MATRIX names URLs that no longer exist"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_it_should(name, world, client, login):
    """Each persona asks in a savepoint of its own, rolled back, with a fresh session and an empty
    cache: each sees the same world as if it were the only one, and the world is built once per URL
    (building it is most of this test's time, and this test is most of the suite's)."""
    method, kwargs_of, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs_of(world) if kwargs_of else None)
    wrong = []
    for persona in PERSONAS:
        with transaction.atomic():
            cache.clear()
            client.logout()  # the previous persona's session went with its savepoint
            response = getattr(login(world.persona(persona)), method)(url)
            if response.status_code != expected[persona]:
                wrong.append(
                    f"{persona} {method.upper()} {url}: {response.status_code}, expected {expected[persona]}"
                )
            elif (
                expected[persona] == LOGIN
                and persona == "anon"
                and name not in ("home", "logout")
                and not response["Location"].startswith(reverse("login"))
            ):
                wrong.append(f"anon {method.upper()} {url}: sent to {response['Location']}, not to log in")
            transaction.set_rollback(True)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_is_for_admins_only(persona, world, login):
    response = login(world.persona(persona)).get(reverse("admin:index"))
    assert response.status_code == ADMIN_INDEX[persona]
