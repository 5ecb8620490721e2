"""Wellspring's platform-agnostic core: domain rules, use cases, storage and scheduling."""
