"""Protocols the core needs from the outside world; storage and adapters implement them."""
