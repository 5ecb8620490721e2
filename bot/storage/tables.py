"""Table definitions; every table carries the workspace it belongs to."""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
    true,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

processed_deliveries = Table(
    "processed_deliveries",
    metadata,
    Column("workspace", String(64), primary_key=True),
    Column("delivery_id", String(128), primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False, index=True),
)

schedules = Table(
    "schedules",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("workspace", String(64), nullable=False),
    Column("conversation", String(64), nullable=True),
    Column("owner", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("label", String(80), nullable=True),
    Column("days", String(16), nullable=False),
    Column("at", String(5), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("skip_dates", Text, nullable=False, default=""),
    Column("paused", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_schedules_workspace_conversation", "workspace", "conversation"),
    Index("ix_schedules_workspace_owner", "workspace", "owner"),
)

# One row per (schedule, fire time): the primary key is the exactly-once claim.
schedule_runs = Table(
    "schedule_runs",
    metadata,
    Column(
        "schedule_id",
        String(36),
        ForeignKey("schedules.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("fire_at", DateTime(timezone=True), primary_key=True),
    Column("status", String(16), nullable=False),
    # A claim older than the lease, still "claimed" or "sending", was left by a replica
    # that died: another takes it over (bot.services.posting).
    Column("claimed_at", DateTime(timezone=True), nullable=True),
    Column("checkin_id", String(36), nullable=True),
)

# The next free turn to send under a key (a workspace's post budget), in epoch seconds:
# every replica reserves its turns here, so together they keep one budget.
send_turns = Table(
    "send_turns",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("next_at", Float, nullable=False),
)

rotations = Table(
    "rotations",
    metadata,
    Column("workspace", String(64), primary_key=True),
    Column("audience", String(64), primary_key=True),
    Column("deck", String(32), primary_key=True),
    Column("cycle", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("last", Integer, nullable=True),
    # The day the audience last drew from the deck: unused decks go (bot/storage/retention.py).
    Column("used_on", Date, nullable=True),
)

checkins = Table(
    "checkins",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("workspace", String(64), nullable=False),
    Column("conversation", String(64), nullable=False),
    Column("posted_at", DateTime(timezone=True), nullable=False),
    Column("closes_at", DateTime(timezone=True), nullable=False, index=True),
    Column("closed", Boolean, nullable=False, server_default=false()),
    Column("message_id", String(64), nullable=True),
    # A team's check-ins in time order: summaries read a few weeks of each team, and the
    # list of teams is read one seek per team.
    Index("ix_checkins_workspace_conversation_posted_at", "workspace", "conversation", "posted_at"),
)

# Pulse storage holds counts only: no person, no time, no insertion order. SQLite writes
# a check-in's four rows when it is posted and counts them up; PostgreSQL writes them once,
# at the close, from the window's own tables (pulse_windows.py).
pulse_counts = Table(
    "pulse_counts",
    metadata,
    Column(
        "checkin_id", String(36), ForeignKey("checkins.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("level", String(16), primary_key=True),
    Column("responses", Integer, nullable=False),
)

# One marker per person who answered an open check-in, so they are counted once: an
# HMAC under the server's secret, which is never stored. Deleted, and wiped from the
# files, when the check-in closes. SQLite only: PostgreSQL keeps them in the window's table.
pulse_participants = Table(
    "pulse_participants",
    metadata,
    Column(
        "checkin_id", String(36), ForeignKey("checkins.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("marker", String(64), primary_key=True),
)

# While a team's month is open: one row per person and week they answered in, as a keyed
# marker (bot/domain/periods.py), so a week's distinct people, or several weeks' together,
# can be counted. Deleted when the month settles, and wiped from the files (SQLite:
# secure_delete and a rebuild; PostgreSQL: the table is rewritten). Keyed by the marker
# (on SQLite without a rowid), so no row's place says who answered first.
pulse_period_markers = Table(
    "pulse_period_markers",
    metadata,
    Column("marker", String(64), primary_key=True),
    Column("week", String(8), primary_key=True),
    Column("workspace", String(64), nullable=False),
    Column("team", String(64), nullable=False),
    Column("month", String(7), nullable=False),
    Column("key", String(16), nullable=False),  # which secret made the marker (key_names)
    Index("ix_pulse_period_markers_workspace_team_month", "workspace", "team", "month"),
    sqlite_with_rowid=False,
)

# A team's week with check-ins: whether its people were counted from its first check-in,
# and, once it settled (over, and every check-in closed), how many distinct people answered.
pulse_team_weeks = Table(
    "pulse_team_weeks",
    metadata,
    Column("workspace", String(64), primary_key=True),
    Column("team", String(64), primary_key=True),
    Column("week", String(8), primary_key=True),
    Column("month", String(7), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("counted", Boolean, nullable=False),
    Column("people", Integer, nullable=True),
)

# When a team's month settled: its hidden weeks and how many distinct people they had
# together (the month's remainder; bot/domain/reports.py).
pulse_month_rests = Table(
    "pulse_month_rests",
    metadata,
    Column("workspace", String(64), primary_key=True),
    Column("team", String(64), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("weeks", String(64), nullable=False),
    Column("people", Integer, nullable=False),
)

# PULSE_PRIVACY=dp: each settled team week's four counts with noise, drawn once and kept so
# that every look shows the same (bot/domain/noise.py). "3,0,5,1" in the order of LEVELS.
pulse_noisy_weeks = Table(
    "pulse_noisy_weeks",
    metadata,
    Column("workspace", String(64), primary_key=True),
    Column("team", String(64), primary_key=True),
    Column("week", String(8), primary_key=True),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("counts", String(64), nullable=False),
)

# Who looked at which team's numbers, and when (the audit log).
pulse_views = Table(
    "pulse_views",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("workspace", String(64), nullable=False),
    Column("viewer", String(64), nullable=False),
    Column("team", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("viewed_at", DateTime(timezone=True), nullable=False),
    # The UTC day of the look: one line per viewer, team and kind of look a day (0022).
    Column("day", Date, nullable=True),
    Index("ix_pulse_views_workspace_team", "workspace", "team"),
    Index("ix_pulse_views_one_a_day", "workspace", "viewer", "team", "kind", "day", unique=True),
)

# One weekly digest per supervisor and ISO week, whichever replica sends it.
digest_runs = Table(
    "digest_runs",
    metadata,
    Column("workspace", String(64), primary_key=True),
    Column("supervisor", String(64), primary_key=True),
    Column("week", String(8), primary_key=True),
)

volunteers = Table(
    "volunteers",
    metadata,
    Column("workspace", String(64), primary_key=True),
    Column("person", String(64), primary_key=True),
    Column("capacity", Integer, nullable=False),
    Column("days", String(16), nullable=False),
    Column("start", String(5), nullable=True),
    Column("end", String(5), nullable=True),
    Column("timezone", String(64), nullable=False),
    Column("away", Boolean, nullable=False, server_default=false()),
    Column("away_until", Date, nullable=True),
    Column("last_offered_at", DateTime(timezone=True), nullable=True),
    Column("approved", Boolean, nullable=False, server_default=true()),
)

# A request while it is open and for DEBRIEF_RETENTION_DAYS after closing. Then the row
# and its offers are deleted, and the request is added to debrief_months.
debrief_requests = Table(
    "debrief_requests",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("workspace", String(64), nullable=False),
    Column("requester", String(64), nullable=True),
    Column("kind", String(24), nullable=False),
    Column("urgency", String(8), nullable=False),
    Column("preference", String(16), nullable=False),
    Column("note", Text, nullable=True),
    Column("consent", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status_conversation", String(64), nullable=True),
    Column("status_message", String(64), nullable=True),
    Column("peer", String(64), nullable=True),
    Column("matched_at", DateTime(timezone=True), nullable=True),
    Column("wait_seconds", Integer, nullable=True),
    Column("followup_due_at", DateTime(timezone=True), nullable=True, index=True),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Index("ix_debrief_requests_workspace_status", "workspace", "status"),
)

# All that is kept of forgotten requests: counters per month (the one each settled in, see
# bot.domain.debriefs.settled_at), outcome and wait band.
# No id, no day or time, no person, no insertion order; wait_minutes is 0 when unmatched.
debrief_months = Table(
    "debrief_months",
    metadata,
    Column("workspace", String(64), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("matched", Boolean, primary_key=True),
    Column("wait_minutes", Integer, primary_key=True),
    Column("requests", Integer, nullable=False),
)

debrief_offers = Table(
    "debrief_offers",
    metadata,
    Column(
        "request_id",
        String(36),
        ForeignKey("debrief_requests.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("peer", String(64), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("offered_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
    Column("conversation", String(64), nullable=True),
    Column("message_id", String(64), nullable=True),
)

# Where a platform can reach a conversation or a person proactively (Teams conversation
# references). Nothing here says anything about pulses.
platform_addresses = Table(
    "platform_addresses",
    metadata,
    Column("workspace", String(64), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("address", Text, nullable=False),
)

# A student's field placement: who their instructor is, its dates and the weekly reflection
# time. Deleted when the student stops it, and PLACEMENT_RETENTION days after it ends.
placements = Table(
    "placements",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("workspace", String(64), nullable=False),
    Column("student", String(64), nullable=False),
    Column("instructor", String(64), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False, index=True),
    Column("day", Integer, nullable=False),
    Column("at", String(5), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("confirmed", Boolean, nullable=False, server_default=false()),
    Index("ix_placements_workspace_student", "workspace", "student", unique=True),
    Index("ix_placements_workspace_instructor", "workspace", "instructor"),
)

# One row per placement and ISO week: the claim that sends a week's prompts once.
placement_prompts = Table(
    "placement_prompts",
    metadata,
    Column(
        "placement_id",
        String(36),
        ForeignKey("placements.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("week", String(8), primary_key=True),
)

# The agency's own days off (public holidays, say), set by an admin: every schedule skips them.
agency_holidays = Table(
    "agency_holidays",
    metadata,
    Column("workspace", String(64), primary_key=True),
    Column("day", Date, primary_key=True),
)

# Which teams' numbers each supervisor may see, set by an admin (SUPERVISOR_ASSIGNMENTS).
supervisor_teams = Table(
    "supervisor_teams",
    metadata,
    Column("workspace", String(64), primary_key=True),
    Column("supervisor", String(64), primary_key=True),
    Column("conversation", String(64), primary_key=True),
)

# What admins and coordinators did (the admin audit trail): who, what, on which team or
# person, when; never what was typed. An erasure's row names no one. Kept AUDIT_RETENTION_DAYS.
admin_actions = Table(
    "admin_actions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("workspace", String(64), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("team", String(64), nullable=True),
    Column("person", String(64), nullable=True),
    Column("acted_at", DateTime(timezone=True), nullable=False, index=True),
    Index("ix_admin_actions_workspace_acted_at", "workspace", "acted_at"),
)
