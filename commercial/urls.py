from django.urls import path

from .views import contracts, entertainment, growth

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
]
