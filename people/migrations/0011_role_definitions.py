"""Seed 000's role overviews and key responsibilities, loaded as editable defaults.

The shares of time (account management / senior relationships / people management) follow the seed's
diagram as its text describes it: account managers manage accounts full time, execs support with admin,
the head of CS focuses on team management and senior client relations and manages few accounts.
"""

from django.db import migrations

DEFINITIONS = {
    "account_executive": (
        "Predominantly office-based, you provide additional strength in depth across the account "
        "management team to ensure maximum administrative efficiency over the lifecycle of all client "
        "contracts. You ensure that all client reports are produced and dispatched on time and that the "
        "content delivers a compelling and positive message around overall performance, and support the "
        "management of all weekly activity reports across your portfolio.",
        ["Day-to-day comms", "Reporting & admin", "Project lead", "Internal project management"],
        (100, 0, 0),
    ),
    "account_manager": (
        "An experienced digital marketer, you support the Account Director on contract performance and "
        "delivery. You attend all monthly client calls, producing and circulating an agenda for each in "
        "advance, and produce, circulate and monitor all client call and meeting minutes and actions. You "
        "oversee the consistency, structure and output of all monthly reporting, and manage the weekly "
        "activity reports across all client accounts.",
        [
            "Day-to-day comms",
            "Reporting & admin",
            "Internal project management",
            "Planning lead",
            "Commercial focus & opportunity",
            "Client entertainment",
            "Issue resolution",
        ],
        (100, 0, 0),
    ),
    "senior_account_manager": (
        "Leads a portfolio of accounts and their strategy, resolves high-level issues and pitches, while "
        "still running day-to-day comms and reporting on their own accounts.",
        [
            "Day-to-day comms, reporting & admin",
            "Internal project management",
            "Commercial focus & opportunity",
            "Client entertainment",
            "Issue resolution",
            "Senior account & strategy leadership",
            "High-level issue resolution",
            "Pitching",
        ],
        (70, 20, 10),
    ),
    "account_director": (
        "A senior member of the Client Services team with significant digital marketing experience, "
        "responsible for driving account performance and ensuring that pre-defined KPIs or targets are met "
        "as a minimum. You attend all quarterly review meetings, take lead responsibility for strategic "
        "campaign planning and deployment, build rapport and trust across the client's senior management "
        "team, and identify and facilitate up- and cross-sells.",
        [
            "Internal project management",
            "Commercial focus & opportunity",
            "Client entertainment",
            "Issue resolution",
            "Senior account & strategy leadership",
            "High-level issue resolution (including financial/contract)",
            "Pitching",
            "Strategic client comms",
            "Senior relationship building (inc. tier 4)",
            "Inter-team integration",
            "Project to retained",
            "Account senior",
        ],
        (40, 40, 20),
    ),
    "head_of_cs": (
        "Runs the team and the weekly CS meet: focuses on team management and senior client relations "
        "and manages few accounts of their own.",
        ["Team management", "Senior client relations", "The weekly CS meet", "PDPs and the people plan"],
        (10, 40, 50),
    ),
}


def load(apps, schema_editor):
    Role = apps.get_model("people", "Role")
    for code, (overview, responsibilities, (am, senior, people)) in DEFINITIONS.items():
        Role.objects.filter(code=code, overview="").update(
            overview=overview,
            responsibilities="\n".join(responsibilities),
            share_account_management=am,
            share_senior_relationships=senior,
            share_people_management=people,
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0010_team_org_time_objectives")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
