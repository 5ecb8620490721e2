"""The container files: no password in compose, no port in Socket Mode, a liveness health check;
two replicas behind a proxy in compose and in Kubernetes, probed on /livez and /readyz."""

import ast
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, dict[str, dict[str, object]]]:
    loaded = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_compose_keeps_the_database_password_out_of_the_file() -> None:
    services = _compose()["services"]
    db_env = services["db"]["environment"]
    assert isinstance(db_env, dict)
    assert db_env["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")
    for name in ("bot", "bot-http"):
        env = services[name]["environment"]
        assert isinstance(env, dict)
        assert ":${POSTGRES_PASSWORD" in env["DATABASE_URL"]
    assert "wellspring:wellspring@" not in (ROOT / "docker-compose.yml").read_text()


def test_socket_mode_publishes_no_port_and_http_mode_only_the_public_one() -> None:
    services = _compose()["services"]
    assert services["bot"]["profiles"] == ["socket"]
    assert "ports" not in services["bot"]
    assert services["bot-http"]["profiles"] == ["http"]
    assert services["bot-http"]["ports"] == ["3000:3000"]
    assert "ports" not in services["db"]


def test_the_image_checks_liveness_and_can_run_migrations_alone() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    [check] = [line for line in dockerfile.splitlines() if "urlopen" in line]
    assert "/livez" in check
    assert "alembic upgrade head" in dockerfile
    assert "COPY alembic.ini" in dockerfile


def test_the_image_copies_every_project_package_the_entry_point_imports() -> None:
    """The image runs app.py from /app: the packages it and its wiring import are copied there
    (bootstrap/ is not in the wheel, so a missing COPY line would fail only at start)."""
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    copied = {word for line in lines if line.startswith("COPY ") for word in line.split()[1:-1]}
    imported: set[str] = set()
    for path in [ROOT / "app.py", *(ROOT / "bootstrap").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
    ours = {name for name in imported if (ROOT / name / "__init__.py").is_file()}
    assert {"bootstrap", "bot", "handlers", "prompts"} <= ours
    assert ours <= copied


def test_the_image_installs_the_locked_versions_only() -> None:
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    installs = [line for line in lines if "pip install" in line]
    assert installs == [
        "RUN pip install --require-hashes -r requirements/main.txt -r requirements/build.txt",
        "RUN pip install --no-deps --no-build-isolation .",
    ]
    assert "COPY requirements/main.txt requirements/build.txt ./requirements/" in lines


def _replicas_compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "deploy" / "compose.replicas.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_two_replicas_run_behind_the_proxy_after_the_migration_job() -> None:
    services = _replicas_compose()["services"]
    replicas = [
        name
        for name, service in services.items()
        if service.get("command") is None and service.get("image") == "wellspring:local"
    ]
    assert sorted(replicas) == ["bot-a", "bot-b"]
    for name in replicas:
        bot = services[name]
        assert bot["environment"]["AUTO_MIGRATE"] == "false"
        assert bot["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert "/readyz" in " ".join(bot["healthcheck"]["test"])
        assert ":${POSTGRES_PASSWORD" in bot["environment"]["DATABASE_URL"]
        assert "ports" not in bot
    assert services["migrate"]["command"] == ["alembic", "upgrade", "head"]
    assert services["migrate"]["restart"] == "no"
    assert services["proxy"]["ports"] == ["80:80", "443:443"]
    assert "ports" not in services["db"]
    assert "wellspring:wellspring@" not in (ROOT / "deploy" / "compose.replicas.yml").read_text()


def test_the_proxy_balances_both_replicas_on_readiness_and_keeps_metrics_private() -> None:
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    [proxy] = [line.split() for line in caddyfile.splitlines() if "reverse_proxy" in line]
    assert proxy[1:3] == ["bot-a:3000", "bot-b:3000"]
    assert "health_uri /readyz" in caddyfile
    assert "/slack/events" in caddyfile and "/api/messages" in caddyfile
    assert "/metrics" not in caddyfile and "9102" not in caddyfile


def _k8s(kind: str) -> dict[str, Any]:
    documents = [
        doc
        for path in sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text())
    ]
    [found] = [doc for doc in documents if doc["kind"] == kind]
    assert isinstance(found, dict)
    return found


def test_the_kubernetes_deployment_runs_two_replicas_probed_on_livez_and_readyz() -> None:
    deployment = _k8s("Deployment")
    assert deployment["spec"]["replicas"] == 2
    pod = deployment["spec"]["template"]
    assert pod["metadata"]["labels"] == deployment["spec"]["selector"]["matchLabels"]
    [container] = pod["spec"]["containers"]
    assert container["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert ports["http"] == 3000
    env = {item["name"]: item for item in container["env"]}
    assert env["AUTO_MIGRATE"]["value"] == "false"
    for secret in ("DATABASE_URL", "PULSE_SECRET", "TOKEN_ENCRYPTION_KEY"):
        assert env[secret]["valueFrom"]["secretKeyRef"]["name"] == "wellspring"
        assert "value" not in env[secret]
    mounted = {m["mountPath"] for m in container["volumeMounts"]}
    assert env["SECRETS_DIR"]["value"] in mounted
    assert pod["spec"]["terminationGracePeriodSeconds"] > 10  # SHUTDOWN_GRACE_SECONDS


def test_the_kubernetes_service_reaches_only_the_public_port_of_those_pods() -> None:
    service, deployment = _k8s("Service"), _k8s("Deployment")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"] == labels
    assert [port["targetPort"] for port in service["spec"]["ports"]] == ["http"]


def test_the_kubernetes_migration_job_runs_alembic_once_with_the_database_secret() -> None:
    job = _k8s("Job")
    pod = job["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    [container] = pod["containers"]
    assert container["command"] == ["alembic", "upgrade", "head"]
    assert (
        container["image"]
        == _k8s("Deployment")["spec"]["template"]["spec"]["containers"][0]["image"]
    )
    env = {item["name"]: item for item in container["env"]}
    assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["key"] == "database-url"
