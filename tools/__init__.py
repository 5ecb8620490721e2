"""Maintainers' tools: the release build and the base-image digest refresh (see the Makefile)."""
