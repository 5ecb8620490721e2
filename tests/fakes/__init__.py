"""Local fakes of Slack: the Web API (FakeSlack) and Slack's signed requests to the app."""

from tests.fakes.slack_api import ApiCall, FakeSlack, ResponseUrlPost
from tests.fakes.slack_signer import Reply, SignedSlackClient, sign

__all__ = ["ApiCall", "FakeSlack", "Reply", "ResponseUrlPost", "SignedSlackClient", "sign"]
