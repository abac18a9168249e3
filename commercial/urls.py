from django.urls import path

from .views import contracts, plan_documents, plans

app_name = "commercial"

urlpatterns = [
    path("entertainment-matrix/", contracts.entertainment_matrix, name="entertainment_matrix"),
    path("clients/<int:pk>/contracts/new/", contracts.contract_create, name="contract_create"),
    path("clients/<int:pk>/contracts/<int:contract_pk>/edit/", contracts.contract_edit, name="contract_edit"),
    path("contracts/<int:contract_pk>/document/", contracts.contract_document, name="contract_document"),
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
