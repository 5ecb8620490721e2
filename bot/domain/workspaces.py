"""Identities of workspaces: every stored row belongs to exactly one."""

from dataclasses import dataclass


@dataclass(frozen=True)
class WorkspaceRef:
    """A chat workspace: the platform's name for itself and the workspace id it gives."""

    platform: str
    external_id: str

    @property
    def key(self) -> str:
        """The value stored in `workspace` columns."""
        return f"{self.platform}:{self.external_id}"

    @classmethod
    def from_key(cls, key: str) -> "WorkspaceRef":
        platform, _, external_id = key.partition(":")
        return cls(platform, external_id)
