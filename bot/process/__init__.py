"""Running the process: the HTTP server and its probes, metrics, logs, shutdown, the scheduler."""
