"""The simulated agency: two teams, ten people with roles and time zones, and an admin."""

from dataclasses import dataclass

from bot.domain.workspaces import WorkspaceRef

PLATFORM = "playground"
WORKSPACE = WorkspaceRef(PLATFORM, "riverside-agency")


@dataclass(frozen=True)
class Team:
    id: str
    name: str


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    role: str  # a key under playground.roles in the wording
    timezone: str
    teams: tuple[str, ...]


FAMILY = Team("C-family-support", "#family-support")
HOSPITAL = Team("C-hospital-social-work", "#hospital-social-work")
TEAMS = (FAMILY, HOSPITAL)

PEOPLE = (
    Person("U-maya", "Maya Okafor", "supervisor", "Europe/London", (FAMILY.id, HOSPITAL.id)),
    Person("U-sam", "Sam Reyes", "worker", "Europe/London", (FAMILY.id,)),
    Person("U-priya", "Priya Nair", "peer", "Europe/London", (FAMILY.id,)),
    Person("U-tom", "Tom Walsh", "worker", "Europe/Dublin", (FAMILY.id,)),
    Person("U-lena", "Lena Fischer", "worker", "Europe/Berlin", (FAMILY.id,)),
    Person("U-jo", "Jo Mensah", "student", "Europe/London", (FAMILY.id,)),
    Person("U-ade", "Ade Bello", "worker", "Europe/London", (FAMILY.id,)),
    Person("U-kim", "Kim Larsen", "peer", "Europe/Copenhagen", (HOSPITAL.id,)),
    Person("U-ruth", "Ruth Cohen", "worker", "Europe/London", (HOSPITAL.id,)),
    Person("U-dev", "Dev Sharma", "worker", "Europe/London", (HOSPITAL.id,)),
    # The agency's admin runs Wellspring for it and is in no team: no answers, no numbers.
    Person("U-alex", "Alex Morgan", "admin", "Europe/London", ()),
)
SUPERVISORS = frozenset(p.id for p in PEOPLE if p.role == "supervisor")
ADMINS = frozenset(p.id for p in PEOPLE if p.role == "admin")


def person(person_id: str) -> Person | None:
    return next((p for p in PEOPLE if p.id == person_id), None)


def team(team_id: str) -> Team | None:
    return next((t for t in TEAMS if t.id == team_id), None)


def members(team_id: str) -> frozenset[str]:
    return frozenset(p.id for p in PEOPLE if team_id in p.teams)
