"""Audit trails shipped as JSON log lines: supervisors' looks at the numbers and admins' actions."""
