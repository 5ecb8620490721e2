# Two commands matter: `make run` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LOCK := requirements/dev.txt
STAMP := $(VENV)/.installed-dev-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)
# `make run` needs only the runtime lock: no test, lint or browser tools.
RUN_LOCK := requirements/main.txt
RUN_STAMP := $(VENV)/.installed-run-$(shell cat pyproject.toml $(RUN_LOCK) requirements/build.txt | cksum | cut -d' ' -f1)

.PHONY: run test lint unit format migrate backup release release-tag image pin-images bench lock clean teams-package fuzz emulator teams-emulator mutate

# Exactly the versions in the lock, each checked against its hash; then Wellspring itself.
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-dev-*
	@touch $@

# The same, from the runtime lock, with pip's progress: the first time takes a minute or two.
$(RUN_STAMP): pyproject.toml $(RUN_LOCK) requirements/build.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing Wellspring's runtime packages from $(RUN_LOCK) into $(VENV) (once; about a minute)"
	$(BIN)/python -m pip install --require-hashes --progress-bar on -r $(RUN_LOCK) -r requirements/build.txt
	@echo "Installing Wellspring itself"
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-run-*
	@touch $@

run: $(RUN_STAMP)
	$(BIN)/python app.py

migrate: $(STAMP)
	$(BIN)/alembic upgrade head

# A consistent copy of the SQLite database, safe while the bot runs (docs/backup-and-restore.md).
# The pulse secret is not in it: keep that apart. make backup DATABASE=path/to.db BACKUP=file.db
DATABASE ?= data/wellspring.db
BACKUP ?= backups/wellspring-$(shell date -u +%Y%m%dT%H%M%SZ).db
backup: $(STAMP)
	$(BIN)/python -m bot.storage.backup $(BACKUP) $(DATABASE)

# The release's artefacts from the last commit into $(DIST)/<version>/: the wheel (reproducible),
# a CycloneDX SBOM of requirements/main.txt, the CHANGELOG's notes and SHA256SUMS. Then, after
# checking them, `make release-tag` (docs/upgrading.md).
DIST ?= dist
VERSION = $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
release: $(STAMP)
	$(BIN)/python -m tools.release --out $(DIST)

# Tag the version in pyproject.toml once CHANGELOG.md has its entry.
release-tag:
	@version=$(VERSION); \
	grep -q "^## \[$$version\]" CHANGELOG.md || { echo "CHANGELOG.md has no [$$version] entry"; exit 1; }; \
	git tag -a "v$$version" -m "Wellspring $$version" && echo "tagged v$$version; push with: git push origin v$$version"

# The image the docs and deploy/k8s name: wellspring:<version>. Another name for your registry:
# make image IMAGE=registry.example.org/wellspring, then docker push it (docs/deployment.md).
IMAGE ?= wellspring
image:
	docker build --tag $(IMAGE):$(VERSION) .

# Pin the base images (deploy/base-images.txt) to their tags' digests today: needs Docker with
# buildx and the registries reachable. Review the diff, rebuild, test, commit.
pin-images:
	$(PYTHON) -m tools.pin_images

test: lint unit

unit: $(STAMP) emulator
	$(BIN)/python -m pytest

# Microsoft 365 Agents Playground, the Teams emulator that tests/e2e/test_agents_playground.py
# runs: exactly the version in tests/emulator/package-lock.json. Without npm, that test skips.
EMULATOR := tests/emulator
EMULATOR_STAMP := $(EMULATOR)/node_modules/.installed
$(EMULATOR_STAMP): $(EMULATOR)/package.json $(EMULATOR)/package-lock.json
	cd $(EMULATOR) && npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

emulator:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(EMULATOR_STAMP); \
	else echo "npm not found: the Agents Playground test will be skipped"; fi

# The same emulator by hand, at http://127.0.0.1:56150/, for a Wellspring in Teams local mode on
# 127.0.0.1:$(BOT_PORT) (README, "Try it with Microsoft's Agents Playground"). Its guard keeps it
# on 127.0.0.1 and refuses every connection to another host; statsbeat off stops the one it tries.
BOT_PORT ?= 3978
teams-emulator: emulator
	cd $(EMULATOR) && APPLICATION_INSIGHTS_NO_STATSBEAT=true \
	  NODE_OPTIONS="--require ./loopback-only.cjs" node node_modules/.bin/agentsplayground \
	  --app-endpoint http://127.0.0.1:$(BOT_PORT)/api/messages --channel-id msteams --disable-telemetry

# The fuzzing of tests/fuzz with thousands of generated requests per kind (make test runs fewer).
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/fuzz

# Mutation testing of the modules that keep a promise ([tool.mutmut] in pyproject.toml lists
# them and the fast tests that cover them), on SQLite; docs/mutation-testing.md has the scores.
# One module (or a few): make mutate MUTANTS="bot.services.debriefs*". Results stay in mutants/:
# a second run retries only what changed; `$(BIN)/mutmut results` lists the survivors.
MUTANTS ?=
mutate: $(STAMP)
	env -u TEST_DATABASE_URL $(BIN)/mutmut run --max-children 2 $(MUTANTS)
	$(BIN)/python -m tests.support.mutation_scores

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every benchmark, rewriting bench/RESULTS.md; one alone: make bench BENCH=fanout
BENCH ?=
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH)

# The Teams app package (dist/wellspring-teams.zip) from TEAMS_CLIENT_ID and BOT_DOMAIN.
teams-package: $(STAMP)
	$(BIN)/python -m handlers.teams.app_package.build

# Rewrite the locks after a change to pyproject.toml's dependencies, keeping every other pin;
# make lock UPGRADE=--upgrade takes the newest versions allowed (docs/upgrading.md).
UPGRADE ?=
COMPILE = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes $(UPGRADE)
lock: $(STAMP)
	$(COMPILE) pyproject.toml -o requirements/main.txt
	$(COMPILE) --extra dev pyproject.toml -o requirements/dev.txt
	$(COMPILE) --constraint requirements/dev.txt requirements/build.in -o requirements/build.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(EMULATOR)/node_modules
