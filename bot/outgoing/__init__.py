"""What the core sends: neutral messages and forms, their buttons' ids, charts and CSV files."""
