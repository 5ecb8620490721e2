"""The roles an agency gives people in Wellspring."""

from enum import StrEnum


class Role(StrEnum):
    SUPERVISOR = "supervisor"  # sees their teams' numbers, never anyone's answer
    COORDINATOR = "coordinator"  # told (with consent) when no peer could take a request
    ADMIN = "admin"  # runs Wellspring for the agency: may erase a person's data
    PEER = "peer"  # may volunteer to listen; anyone may, unless a roster is given
