"""Loads and validates a language's wording catalogue from prompts/<lang>/*.yaml."""

from collections.abc import Iterator, Mapping
from pathlib import Path
from string import Formatter
from typing import Any

import yaml

_ROOT = Path(__file__).resolve().parent


class PromptError(Exception):
    """A catalogue that is malformed, or a lookup of wording that does not exist."""


class Catalog:
    """Wording by dotted key (`<file>.<key>...`); a key holds one text or a list of variants."""

    def __init__(self, language: str, entries: Mapping[str, str | tuple[str, ...]]) -> None:
        self.language = language
        self._entries = dict(entries)

    def text(self, key: str, **params: Any) -> str:
        """One text, with its {placeholders} filled."""
        value = self._get(key)
        if not isinstance(value, str):
            raise PromptError(f"{key} holds variants; use variants()")
        return _fill(key, value, params)

    def variants(self, key: str, **params: Any) -> tuple[str, ...]:
        """Every variant under a key (a single text counts as one variant)."""
        value = self._get(key)
        texts = (value,) if isinstance(value, str) else value
        return tuple(_fill(key, text, params) for text in texts)

    def has(self, key: str) -> bool:
        return key in self._entries

    def keys(self, prefix: str = "") -> Iterator[str]:
        return (key for key in self._entries if key.startswith(prefix))

    def placeholders(self, key: str) -> set[str]:
        value = self._get(key)
        texts = (value,) if isinstance(value, str) else value
        return {name for text in texts for _, name, _, _ in Formatter().parse(text) if name}

    def _get(self, key: str) -> str | tuple[str, ...]:
        try:
            return self._entries[key]
        except KeyError:
            raise PromptError(f"no wording for {key!r} in {self.language}") from None


def load_catalog(language: str = "en", root: Path = _ROOT) -> Catalog:
    """Read every YAML file of a language; raise PromptError on anything malformed."""
    folder = root / language
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise PromptError(f"no wording files for language {language!r} in {folder}")
    entries: dict[str, str | tuple[str, ...]] = {}
    for file in files:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise PromptError(f"{file.name} must hold a mapping of keys to wording")
        _flatten(file.stem, data, entries)
    for key in entries:
        _check_placeholders(key, entries[key])
    return Catalog(language, entries)


def _flatten(prefix: str, node: object, out: dict[str, str | tuple[str, ...]]) -> None:
    if isinstance(node, dict):
        for name, child in node.items():
            _flatten(f"{prefix}.{name}", child, out)
    elif isinstance(node, str):
        out[prefix] = node.strip()
    elif isinstance(node, list) and node and all(isinstance(item, str) for item in node):
        out[prefix] = tuple(item.strip() for item in node)
    else:
        raise PromptError(f"{prefix} must be text, a non-empty list of texts, or a mapping")


def _check_placeholders(key: str, value: str | tuple[str, ...]) -> None:
    for text in (value,) if isinstance(value, str) else value:
        try:
            names = [name for _, name, _, _ in Formatter().parse(text) if name is not None]
        except ValueError as error:
            raise PromptError(f"{key}: broken placeholder ({error})") from None
        if any(not name.isidentifier() for name in names):
            raise PromptError(f"{key}: placeholders must be plain names like {{team}}")


def _fill(key: str, text: str, params: Mapping[str, Any]) -> str:
    try:
        return text.format_map(params)
    except KeyError as missing:
        raise PromptError(f"{key} needs the value {missing}") from None
