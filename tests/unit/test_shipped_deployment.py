"""What an IT review checks in the shipped deployment files: production mode everywhere, the image
`make image` builds, metrics off the wildcard address, optional per-platform secrets, a
NetworkPolicy, and base images pinned by digest (or listed as awaiting `make pin-images`)."""

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools import pin_images

ROOT = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
COMPOSE_FILES = ("docker-compose.yml", "deploy/compose.replicas.yml")


def _k8s() -> list[dict[str, Any]]:
    return [
        doc
        for path in sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text())
    ]


def _kind(kind: str) -> dict[str, Any]:
    [found] = [doc for doc in _k8s() if doc["kind"] == kind]
    return found


def _containers() -> list[dict[str, Any]]:
    return [
        container
        for doc in _k8s()
        if doc["kind"] in {"Deployment", "Job"}
        for container in doc["spec"]["template"]["spec"]["containers"]
    ]


def _env(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in container["env"]}


def test_every_shipped_deployment_runs_wellspring_in_production_mode() -> None:
    services = 0
    for name in COMPOSE_FILES:
        loaded = yaml.safe_load((ROOT / name).read_text())
        for service_name, service in loaded["services"].items():
            if "build" in service:  # Wellspring's own image: the bot, replicas, migrations
                assert service["environment"]["ENVIRONMENT"] == "production", service_name
                services += 1
    assert services == 5
    containers = _containers()
    assert len(containers) == 2
    for container in containers:
        assert _env(container)["ENVIRONMENT"]["value"] == "production", container["name"]


def test_kubernetes_runs_the_image_make_image_builds() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "IMAGE ?= wellspring\n" in makefile
    assert "docker build --tag $(IMAGE):$(VERSION) ." in makefile
    for container in _containers():
        assert container["image"] == f"wellspring:{VERSION}", container["name"]


def test_metrics_listen_on_the_pods_own_address_never_the_wildcard() -> None:
    [container] = _kind("Deployment")["spec"]["template"]["spec"]["containers"]
    metrics_host = _env(container)["METRICS_HOST"]
    assert "value" not in metrics_host
    assert metrics_host["valueFrom"] == {"fieldRef": {"fieldPath": "status.podIP"}}
    assert "0.0.0.0" not in (ROOT / "deploy" / "k8s" / "deployment.yaml").read_text()


def test_each_platforms_secrets_are_optional_files_in_one_folder() -> None:
    pod = _kind("Deployment")["spec"]["template"]["spec"]
    [container] = pod["containers"]
    env = _env(container)
    assert not [name for name in env if name.endswith("_FILE")]
    [mount] = [
        m for m in container["volumeMounts"] if m["mountPath"] == env["SECRETS_DIR"]["value"]
    ]
    [volume] = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    assert volume["secret"]["optional"] is True
    keys = {item["key"] for item in volume["secret"]["items"]}
    assert {"slack-bot-token", "slack-signing-secret", "teams-client-secret"} <= keys
    for item in volume["secret"]["items"]:
        assert item["path"] == item["key"]  # the names SECRETS_DIR reads
    # Read-only to the app's group, which the pod runs in.
    assert volume["secret"]["defaultMode"] == 0o440
    assert pod["securityContext"]["fsGroup"] == pod["securityContext"]["runAsGroup"]


def test_the_network_policy_admits_only_the_ingress_and_monitoring_and_lets_out_only_three_kinds():
    policy, deployment = _kind("NetworkPolicy"), _kind("Deployment")
    spec = policy["spec"]
    assert (
        spec["podSelector"]["matchLabels"] == deployment["spec"]["template"]["metadata"]["labels"]
    )
    assert sorted(spec["policyTypes"]) == ["Egress", "Ingress"]
    admitted = {
        port["port"]: [peer["namespaceSelector"]["matchLabels"] for peer in rule["from"]]
        for rule in spec["ingress"]
        for port in rule["ports"]
    }
    assert admitted == {
        "http": [{"kubernetes.io/metadata.name": "ingress-nginx"}],
        "metrics": [{"kubernetes.io/metadata.name": "monitoring"}],
    }
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    assert {port["name"] for port in container["ports"]} == {"http", "metrics"}
    out = {(port["protocol"], port["port"]) for rule in spec["egress"] for port in rule["ports"]}
    assert out == {("UDP", 53), ("TCP", 53), ("TCP", 5432), ("TCP", 443)}
    [https] = [rule for rule in spec["egress"] if rule["ports"][0]["port"] == 443]
    [block] = https["to"]
    assert "10.0.0.0/8" in block["ipBlock"]["except"]


def test_every_base_image_is_pinned_by_digest_or_listed_as_awaiting_its_pin() -> None:
    listed = pin_images.listed()
    by_name = {entry.split("@")[0]: entry for entry in listed}
    assert len(by_name) == len(listed)
    used = set()
    for name in pin_images.SHIPPED:
        for image, reference in pin_images.references((ROOT / name).read_text()):
            assert image in by_name, f"{name}: {image} is not in deploy/base-images.txt"
            assert reference == by_name[image], f"{name}: {reference} is not as listed"
            used.add(image)
    assert used == set(by_name), "deploy/base-images.txt lists an image nothing uses"
    for entry in listed:
        assert "@" not in entry or re.fullmatch(r"[^@\s]+@sha256:[0-9a-f]{64}", entry), entry


def test_pinning_rewrites_every_reference_and_the_list_and_can_be_run_again(tmp_path: Path) -> None:
    for name in (*pin_images.SHIPPED, pin_images.LIST):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text((ROOT / name).read_text())
    for round_ in ("a", "b"):  # a first pin, then a refresh to newer digests
        digests = {
            name: f"sha256:{round_ * 60}{index:04d}"
            for index, name in enumerate(e.split("@")[0] for e in pin_images.listed(tmp_path))
        }
        pins = pin_images.refresh(digests.__getitem__, root=tmp_path)
        assert pins == digests
        assert pin_images.listed(tmp_path) == [f"{n}@{d}" for n, d in digests.items()]
        for name in pin_images.SHIPPED:
            text = (tmp_path / name).read_text()
            found = pin_images.references(text)
            assert found and all(ref == f"{image}@{digests[image]}" for image, ref in found)
            original = (ROOT / name).read_text()
            assert len(text.splitlines()) == len(original.splitlines())
    dockerfile = (tmp_path / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim@sha256:b{60}0000 AS base$", dockerfile, re.M)


def test_a_failed_registry_lookup_changes_nothing(tmp_path: Path) -> None:
    for name in (*pin_images.SHIPPED, pin_images.LIST):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text((ROOT / name).read_text())

    def unreachable(name: str) -> str:
        raise RuntimeError(f"no registry for {name}")

    with pytest.raises(RuntimeError):
        pin_images.refresh(unreachable, root=tmp_path)
    for name in (*pin_images.SHIPPED, pin_images.LIST):
        assert (tmp_path / name).read_text() == (ROOT / name).read_text()
