"""The BotError family: failures whose explanation is safe to show the user."""

from typing import Any


class BotError(Exception):
    """A failure the user can act on; `prompt` names the wording in prompts/, `params` fill it."""

    def __init__(self, prompt: str, **params: Any) -> None:
        super().__init__(prompt)
        self.prompt = prompt
        self.params = params
