"""Reporting's writes, split by sub-domain: plans (matrices → comms plans), occurrences (what plans
make due, missed, reminded, adherence), feedback (NPS check-ins, surveys), meetings (the weekly meet).
The monthly satisfaction notice lives beside its report, in reporting/satisfaction.py.

Import the submodule (`from reporting.services.plans import comms_plan_create`): the package
re-exports nothing, so importing one sub-domain never loads the others (feedback and meetings build
on clients' services, which build on plans and occurrences).
"""
