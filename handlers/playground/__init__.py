"""The local playground: a simulated agency in the browser, on the same core as Slack and Teams."""
