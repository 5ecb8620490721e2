"""Platform adapters: translate platform payloads into service calls and back."""
