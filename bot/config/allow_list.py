"""Which workspaces this copy of Wellspring serves: the operator's lists, per platform.

The adapters refuse requests from elsewhere at their entry; the jobs ask here before
posting, so a workspace installed before its platform's list was set gets nothing.
"""

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from bot.domain.workspaces import WorkspaceRef

logger = logging.getLogger(__name__)

T = TypeVar("T")


class AllowList:
    """`allowed` maps a platform to its workspaces' ids; an empty or missing list serves all."""

    def __init__(self, allowed: Mapping[str, frozenset[str]] | None = None) -> None:
        self._allowed = {platform: ids for platform, ids in (allowed or {}).items() if ids}

    def allows(self, workspace: WorkspaceRef) -> bool:
        ids = self._allowed.get(workspace.platform)
        return ids is None or workspace.external_id in ids

    def serving(
        self, job: str, items: Iterable[T], workspace: Callable[[T], WorkspaceRef]
    ) -> list[T]:
        """The items whose workspace is served; how many were skipped is logged, not which."""
        kept, skipped = [], 0
        for item in items:
            if self.allows(workspace(item)):
                kept.append(item)
            else:
                skipped += 1
        if skipped:
            logger.info("%s: skipped %d not on the allow-list", job, skipped)
        return kept
