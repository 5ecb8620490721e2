"""Makes slack_web_api_methods.json from Slack's Web API specification (run by hand, rarely).

    python tests/fakes/data/extract_slack_methods.py path/to/web_api_openapi_v2.json

The specification is slackapi/slack-api-specs (MIT licence); only method names and
their required parameters are kept, which is all the fake Slack checks.
"""

import json
import sys
from pathlib import Path

OUT = Path(__file__).with_name("slack_web_api_methods.json")


def extract(spec: dict[str, object]) -> dict[str, list[str]]:
    methods: dict[str, list[str]] = {}
    for name, ops in spec["paths"].items():  # type: ignore[attr-defined]
        params = [p for op in ops.values() for p in op.get("parameters", []) if p.get("required")]
        methods[name.lstrip("/")] = sorted({p["name"] for p in params} - {"token"})
    return dict(sorted(methods.items()))


if __name__ == "__main__":
    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    document = {
        "source": "Slack Web API specification, web_api_openapi_v2.json, from the GitHub "
        "repository slackapi/slack-api-specs; MIT licence, copyright Slack Technologies",
        "kept": "method names and their required parameters (token excluded)",
        "methods": extract(spec),
    }
    OUT.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
