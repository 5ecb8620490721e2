"""Prometheus counters, on a registry of the app's own (several apps can share a process)."""

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST


class Metrics:
    """Requests, errors and platform API calls; labels never carry ids of people or channels."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "wellspring_requests",
            "Inbound HTTP requests by route and status code.",
            ["route", "status"],
            registry=self.registry,
        )
        self.errors = Counter(
            "wellspring_errors",
            "Unexpected errors by where they happened.",
            ["where"],
            registry=self.registry,
        )
        self.api_calls = Counter(
            "wellspring_platform_api_calls",
            "Calls to a chat platform's API by platform, method and outcome.",
            ["platform", "method", "outcome"],
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
