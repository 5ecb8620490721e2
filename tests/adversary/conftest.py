"""The adversary's attacks use the end-to-end fixtures: the real app, fakes at the edge."""

from tests.e2e.conftest import (  # noqa: F401  (fixtures, found by name)
    clock,
    fake_slack,
    overrides,
    slack,
    wellspring,
)
