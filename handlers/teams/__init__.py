"""Microsoft Teams adapter (handlers.teams.register is its table of contents)."""
