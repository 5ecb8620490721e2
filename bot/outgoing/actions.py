"""Stable identifiers of buttons and forms, shared by services (which offer them) and
adapters (which route them back)."""

from enum import StrEnum


class Action(StrEnum):
    PULSE = "pulse_level"
    PULSE_DEBRIEF = "pulse_debrief"
    PULSE_CHARTS = "pulse_charts"
    EXPLAIN_ANONYMITY = "explain_anonymity"
    SCHEDULE_PAUSE = "schedule_pause"
    SCHEDULE_RESUME = "schedule_resume"
    SCHEDULE_DELETE = "schedule_delete"
    PERSONAL_ADD = "personal_add"
    PERSONAL_REMOVE = "personal_remove"
    DEBRIEF_NOT_SAFE = "debrief_not_safe"
    DEBRIEF_ACCEPT = "debrief_accept"
    DEBRIEF_PASS = "debrief_pass"
    DEBRIEF_CANCEL = "debrief_cancel"
    DEBRIEF_DONE = "debrief_done"
    DEBRIEF_AGAIN = "debrief_again"
    PLACEMENT_CONFIRM = "placement_confirm"
    PLACEMENT_DECLINE = "placement_decline"
    PLACEMENT_SHARE = "placement_share"
    PLACEMENT_STOP = "placement_stop"
    PLACEMENT_KEEP = "placement_keep"
    PERSONAL_DATA_DELETE = "personal_data_delete"
    PEER_APPROVE = "peer_approve"
    PEER_DECLINE = "peer_decline"
    PEER_REMOVE = "peer_remove"
    SCHEDULE_COPY_ALL = "schedule_copy_all"
    SCHEDULE_COPY_SOME = "schedule_copy_some"


class FormId(StrEnum):
    SCHEDULE = "schedule_form"
    PERSONAL = "personal_form"
    DEBRIEF = "debrief_form"
    VOLUNTEER = "volunteer_form"
    PLACEMENT = "placement_form"
    PLACEMENT_SHARE = "placement_share_form"
    SCHEDULE_COPY = "schedule_copy_form"
