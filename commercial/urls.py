from django.urls import path

from .views import contracts, entertainment, growth, plan_documents, plans

app_name = "commercial"

urlpatterns = [
    path("entertainment-matrix/", contracts.entertainment_matrix, name="entertainment_matrix"),
    path("clients/<int:pk>/contracts/new/", contracts.contract_create, name="contract_create"),
    path("clients/<int:pk>/contracts/<int:contract_pk>/edit/", contracts.contract_edit, name="contract_edit"),
    path("contracts/<int:contract_pk>/document/", contracts.contract_document, name="contract_document"),
    # cross- and upsell (seed 000 "Cross and Upsell")
    path("clients/<int:pk>/channels/<int:channel_pk>/", growth.channel_row_edit, name="channel_row_edit"),
    path("pipeline/", growth.pipeline, name="pipeline"),
    path("clients/<int:pk>/opportunities/new/", growth.opportunity_create, name="opportunity_create"),
    path("opportunities/<int:opp_pk>/", growth.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<int:opp_pk>/edit/", growth.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<int:opp_pk>/spend/", growth.opportunity_spend_apply, name="opportunity_spend_apply"),
    path("opportunities/<int:opp_pk>/audits/new/", growth.audit_create, name="audit_create"),
    path("audits/<int:audit_pk>/edit/", growth.audit_edit, name="audit_edit"),
    path("audits/<int:audit_pk>/file/", growth.audit_file, name="audit_file"),
    # relationship investment (seed 000 "Entertainment", "Surprise and Delight")
    path("entertainment/", entertainment.ledger, name="ledger"),
    path("entertainment/calendar/", entertainment.event_calendar, name="event_calendar"),
    path("clients/<int:pk>/events/new/", entertainment.event_create, name="event_create"),
    path("clients/<int:pk>/entertainment/pooling/", entertainment.pot_pooling, name="pot_pooling"),
    path("events/<int:event_pk>/", entertainment.event_detail, name="event_detail"),
    path("events/<int:event_pk>/edit/", entertainment.event_edit, name="event_edit"),
    path("delight/", entertainment.delight, name="delight"),
    path("delight/vote/", entertainment.delight_vote, name="delight_vote"),
    path("delight/pick/", entertainment.delight_pick, name="delight_pick"),
    path("delight/<int:round_pk>/gift/", entertainment.delight_gift, name="delight_gift"),
    # account plans (seed 002)
    path("clients/<int:pk>/plan/", plans.plan_current, name="plan_current"),
    path("clients/<int:pk>/plans/new/", plans.plan_create, name="plan_create"),
    path("clients/<int:pk>/plans/<int:year>/", plans.plan_detail, name="plan_detail"),
    path("clients/<int:pk>/plans/<int:year>/edit/", plans.plan_edit, name="plan_edit"),
    path(
        "clients/<int:pk>/plans/<int:year>/objectives/new/", plans.objective_create, name="objective_create"
    ),
    path(
        "clients/<int:pk>/objectives/<int:objective_pk>/toggle/",
        plans.objective_toggle,
        name="objective_toggle",
    ),
    path("clients/<int:pk>/plans/<int:year>/reviews/new/", plans.review_raise, name="review_raise"),
    path("clients/<int:pk>/reviews/<int:review_pk>/", plans.review_detail, name="review_detail"),
    # the client review document (seed 000), QBRs (seed 003), the monthly client report
    path("clients/<int:pk>/review/", plan_documents.client_review, name="client_review"),
    path("clients/<int:pk>/review.pdf", plan_documents.client_review_pdf, name="client_review_pdf"),
    path("clients/<int:pk>/review/mark/", plan_documents.client_review_mark, name="client_review_mark"),
    path("clients/<int:pk>/qbrs/", plan_documents.qbr_list, name="qbr_list"),
    path("clients/<int:pk>/qbrs/<int:qbr_pk>/", plan_documents.qbr_detail, name="qbr_detail"),
    path("clients/<int:pk>/qbrs/<int:qbr_pk>.pdf", plan_documents.qbr_pdf, name="qbr_pdf"),
    path("clients/<int:pk>/reports/<int:occurrence_pk>/", plan_documents.client_report, name="client_report"),
    path(
        "clients/<int:pk>/reports/<int:occurrence_pk>.pdf",
        plan_documents.client_report_pdf,
        name="client_report_pdf",
    ),
    path(
        "clients/<int:pk>/reports/<int:occurrence_pk>/sent/",
        plan_documents.client_report_sent,
        name="client_report_sent",
    ),
]
