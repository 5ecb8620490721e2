"""Checks Adaptive Cards against the official 1.5 schema, one element at a time, readably.

The schema's `ImplementationsOf.*` definitions are `anyOf` lists over every element type,
so a plain validation of a card reports a bad nested element as "not valid under any of
the given schemas". Here those slots only check that they hold a known type, and each
element is then validated against its own definition.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft6Validator

SCHEMA_PATH = (
    Path(__file__).resolve().parents[1] / "fakes" / "data" / "adaptive-card-1.5.schema.json"
)
SLOT = "ImplementationsOf."

# Properties Teams reads that the 1.5 schema does not know, allowed where we use them.
TEAMS_EXTRAS: dict[str, dict[str, Any]] = {
    "AdaptiveCard": {"msteams": {"type": "object"}},
    # A people picker: Teams fills the choices from Microsoft Graph (a later card version).
    "Input.ChoiceSet": {"choices.data": {"type": "object"}},
}


@dataclass(frozen=True)
class _Schema:
    validators: dict[str, Draft6Validator]
    slots: dict[str, frozenset[str]]  # slot definition -> the element types it may hold
    children: dict[str, dict[str, tuple[str, ...]]]  # definition -> property -> definitions


def card_problems(card: dict[str, Any]) -> list[str]:
    """Every way `card` breaks the Adaptive Card 1.5 schema (with Teams' extras); [] if none."""
    schema = _load()
    problems = []
    if card.get("type") != "AdaptiveCard":
        problems.append(f"$: the root's type is {card.get('type')!r}, not 'AdaptiveCard'")
    if "version" not in card:
        problems.append("$: no version (the schema allows that; Teams needs it on the root)")
    problems.extend(_visit(schema, card, "AdaptiveCard", "$", check=True))
    return problems


def assert_valid_card(card: dict[str, Any]) -> None:
    problems = card_problems(card)
    assert not problems, "invalid Adaptive Card:\n" + "\n".join(problems)


def _visit(
    schema: _Schema, node: dict[str, Any], definition: str, where: str, check: bool
) -> Iterator[str]:
    if check:
        errors = schema.validators[definition].iter_errors(node)
        for error in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
            yield f"{where}{_path(error.absolute_path)}: {error.message}"
    for name, targets in schema.children.get(definition, {}).items():
        value = node.get(name)
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            place = f"{where}.{name}" + (f"[{index}]" if isinstance(value, list) else "")
            target = targets[0]
            if target.startswith(SLOT):
                kind = item.get("type")
                # An unknown type was already reported by the parent's slot check.
                if kind in schema.slots[target]:
                    yield from _visit(schema, item, kind, f"{place} ({kind})", check=True)
            else:  # validated as part of its parent; only its own slots remain
                yield from _visit(schema, item, target, place, check=False)


def _path(parts: Any) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


@cache
def _load() -> _Schema:
    if not SCHEMA_PATH.is_file():
        raise FileNotFoundError(
            f"the Adaptive Card schema is missing: {SCHEMA_PATH} (see its README beside it)"
        )
    root = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    definitions: dict[str, Any] = root["definitions"]
    slots = {
        name: frozenset(_refs(definition))
        for name, definition in definitions.items()
        if name.startswith(SLOT)
    }
    children = {
        name: _child_properties(definitions, name)
        for name, definition in definitions.items()
        if "properties" in definition
    }
    for name, kinds in slots.items():
        definitions[name] = {
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"enum": sorted(kinds)}},
        }
    for name, extras in TEAMS_EXTRAS.items():
        definitions[name]["properties"].update(extras)
    validators = {
        name: Draft6Validator({"$ref": f"#/definitions/{name}", "definitions": definitions})
        for name in definitions
    }
    return _Schema(validators, slots, children)


def _child_properties(definitions: dict[str, Any], name: str) -> dict[str, tuple[str, ...]]:
    """Properties (own or inherited through allOf) that hold objects described elsewhere."""
    found: dict[str, tuple[str, ...]] = {}
    definition = definitions[name]
    for parent in definition.get("allOf", ()):
        for ref in _refs(parent):
            found |= _child_properties(definitions, ref)
    for prop, spec in definition.get("properties", {}).items():
        refs = tuple(
            ref for ref in _refs(spec) if ref.startswith(SLOT) or "properties" in definitions[ref]
        )
        if refs:
            found[prop] = refs
    return found


def _refs(spec: Any) -> list[str]:
    """Definition names a schema fragment points to, directly, as array items or as options."""
    if not isinstance(spec, dict):
        return []
    names = []
    if "$ref" in spec:
        names.append(spec["$ref"].removeprefix("#/definitions/"))
    names.extend(_refs(spec.get("items")))
    for key in ("anyOf", "allOf"):
        for option in spec.get(key, ()):
            names.extend(_refs(option))
    return names
