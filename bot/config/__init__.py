"""The operator's configuration: settings, which workspaces are served, database identity."""
