"""Prometheus metrics, on a registry of the app's own (several apps can share a process)."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

# Seconds; 3 is the deadline chat platforms give for an answer, so it is a bucket edge.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
LAG_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 3600.0)


class Metrics:
    """Requests, errors, platform API calls, scheduler lag and work in progress.

    Labels never carry ids of people, channels, schedules or requests: routes are templates
    and jobs are kinds.
    """

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "wellspring_requests",
            "Inbound HTTP requests by route and status code.",
            ["route", "status"],
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "wellspring_request_duration_seconds",
            "Time to answer an inbound HTTP request, by route template.",
            ["route"],
            buckets=REQUEST_BUCKETS,
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
        self.scheduler_lag = Histogram(
            "wellspring_scheduler_lag_seconds",
            "How late a scheduled job started: actual minus planned fire time, by kind of job.",
            ["job"],
            buckets=LAG_BUCKETS,
            registry=self.registry,
        )
        self.open_checkins = Gauge(
            "wellspring_open_checkins",
            "Check-ins still taking answers (counted when scraped).",
            registry=self.registry,
        )
        self.pending_offers = Gauge(
            "wellspring_pending_debrief_offers",
            "Debrief offers waiting for a peer to accept or pass (counted when scraped).",
            registry=self.registry,
        )

    def observe_lag(self, job: str, seconds: float) -> None:
        self.scheduler_lag.labels(job).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
