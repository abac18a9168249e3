"""Account plans: the plan page with its metrics table, the plan form, objectives, plan reviews.

The account team and the head of CS write plans and reviews (the LOG_CALL permission: whoever logs
the client's calls); everyone who may see the client, its exec sponsor included, reads them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients import permissions as perms
from clients.models import Contact
from commercial.forms.plans import AccountPlanForm, ObjectiveForm, ReviewForm, ReviewRaiseForm
from commercial.models import AccountPlan, PlanObjective, PlanReview
from commercial.selectors_plans import metrics_table, plan_history, reviews_due_of
from commercial.services import plans as services
from csops.forms import integrity_error_on_form
from csops.versioning import StaleEdit
from people.submissions import submit_once

WRITE = perms.LOG_CALL  # the account team and the head of CS, as for calls and actions


def _plan_url(plan) -> str:
    return reverse("commercial:plan_detail", args=[plan.client_id, plan.year])


def _plan_of(client, year) -> AccountPlan:
    return get_object_or_404(AccountPlan, client=client, year=year)


@login_required
def plan_current(request, pk):
    """The client's plan for this year (or the page offering to write it)."""
    client = perms.get_client_for(request.user, pk)
    return redirect("commercial:plan_detail", client.pk, timezone.localdate().year)


@login_required
def plan_detail(request, pk, year):
    client = perms.get_client_for(request.user, pk)
    plan = AccountPlan.objects.filter(client=client, year=year).select_related("created_by").first()
    can_write = perms.may(request.user, WRITE, client)
    if plan is None:
        years = list(client.account_plans.values_list("year", flat=True))
        return render(
            request,
            "commercial/plan_detail.html",
            {"client": client, "plan": None, "year": year, "years": years, "can_write": can_write},
        )
    today = timezone.localdate()
    return render(
        request,
        "commercial/plan_detail.html",
        {
            "client": client,
            "plan": plan,
            "year": year,
            "years": list(client.account_plans.values_list("year", flat=True)),
            "table": metrics_table(plan, today),
            "objectives": list(
                plan.objectives.values(
                    "pk",
                    "description",
                    "due_date",
                    "status",
                    "owner__first_name",
                    "owner__last_name",
                    "owner__username",
                )
            ),
            "reviews_due": reviews_due_of(plan),
            "history": plan_history(plan),
            "can_write": can_write,
            "today": today,
        },
    )


@login_required
def plan_create(request, pk):
    client = perms.get_client_for(request.user, pk, WRITE)
    form = AccountPlanForm(
        request.POST or None,
        instance=AccountPlan(client=client),
        initial={"year": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():

        def create():
            plan = services.plan_create(
                client=client,
                year=form.cleaned_data["year"],
                business_objective=form.cleaned_data["business_objective"],
                goal=form.cleaned_data["goal"],
                targets=form.targets(),
                by=request.user,
            )
            messages.success(request, f"Account plan {plan.year} saved.")
            return _plan_url(plan)

        try:
            url, _ = submit_once(request, form, create)
        except IntegrityError:
            integrity_error_on_form(form)
        else:
            return redirect(url or reverse("commercial:plan_current", args=[client.pk]))
    return render(
        request,
        "commercial/plan_form.html",
        {"client": client, "form": form, "title": f"New account plan: {client.name}"},
    )


@login_required
def plan_edit(request, pk, year):
    client = perms.get_client_for(request.user, pk, WRITE)
    plan = _plan_of(client, year)
    metrics = list(plan.metrics.all())
    form = AccountPlanForm(request.POST or None, instance=plan, metrics=metrics)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                plan=plan,
                by=request.user,
                version=form.cleaned_data.get("version"),
                business_objective=form.cleaned_data["business_objective"],
                goal=form.cleaned_data["goal"],
                rows=form.rows(),
            )
        except StaleEdit as exc:
            form.refuse_stale(exc)
        else:
            messages.success(request, "Account plan saved.")
            return redirect(_plan_url(plan))
    return render(
        request,
        "commercial/plan_form.html",
        {"client": client, "form": form, "plan": plan, "title": f"Account plan {plan.year}: {client.name}"},
    )


@login_required
def objective_create(request, pk, year):
    client = perms.get_client_for(request.user, pk, WRITE)
    plan = _plan_of(client, year)
    form = ObjectiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_add(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Objective added.")
            return redirect(_plan_url(plan) + "#objectives")
    return render(
        request,
        "clients/simple_form.html",
        {"client": client, "form": form, "title": f"New plan objective: {client.name} {plan.year}"},
    )


@login_required
@require_POST
def objective_toggle(request, pk, objective_pk):
    client = perms.get_client_for(request.user, pk)
    objective = get_object_or_404(
        PlanObjective.objects.select_related("plan"), pk=objective_pk, plan__client=client
    )
    if objective.owner_id != request.user.pk and not perms.may(request.user, WRITE, client):
        raise PermissionDenied
    services.objective_set_done(objective=objective, by=request.user, done=request.POST.get("done") != "0")
    if request.POST.get("next") == "my_week":
        return redirect("my_week")
    return redirect(_plan_url(objective.plan) + "#objectives")


@login_required
def review_raise(request, pk, year):
    client = perms.get_client_for(request.user, pk, WRITE)
    plan = _plan_of(client, year)
    form = ReviewRaiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_raise(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Review raised: walk the plan now or by its due date.")
            return redirect("commercial:review_detail", client.pk, review.pk)
    return render(
        request,
        "clients/simple_form.html",
        {"client": client, "form": form, "title": f"Raise a plan review: {client.name} {plan.year}"},
    )


@login_required
def review_detail(request, pk, review_pk):
    client = perms.get_client_for(request.user, pk)
    review = get_object_or_404(
        PlanReview.objects.select_related("plan", "completed_by", "raised_by"),
        pk=review_pk,
        plan__client=client,
    )
    can_write = perms.may(request.user, WRITE, client)
    form = None
    if review.status == PlanReview.Status.DUE:
        if request.method == "POST" and not can_write:
            raise PermissionDenied
        contacts = list(Contact.objects.filter(client=client, archived_at__isnull=True).order_by("name"))
        form = ReviewForm(request.POST or None, metrics=metrics_table(review.plan), contacts=contacts)
        if request.method == "POST" and form.is_valid():
            try:
                services.review_complete(
                    review=review,
                    by=request.user,
                    walk=form.walk(),
                    changes=form.cleaned_data["changes"],
                    no_change_reason=form.cleaned_data["no_change_reason"],
                    actions=form.cleaned_data["actions"],
                    stances=form.stances(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Review done: it is on the plan's history.")
                return redirect(_plan_url(review.plan) + "#history")
    elif request.method == "POST":
        raise Http404("This review is already done.")
    return render(
        request,
        "commercial/review_detail.html",
        {
            "client": client,
            "review": review,
            "plan": review.plan,
            "form": form if can_write else None,
            "actions": list(
                review.actions.values(
                    "pk", "description", "due_date", "status", "owner__first_name", "owner__last_name"
                )
            ),
        },
    )
