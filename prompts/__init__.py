"""All user-facing wording, kept as YAML data per language; `load_catalog` validates it."""

from prompts.catalog import Catalog, PromptError, load_catalog

__all__ = ["Catalog", "PromptError", "load_catalog"]
