# Two commands matter: `make run` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LOCK := requirements/dev.txt
STAMP := $(VENV)/.installed-dev-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)
# `make run` needs only the runtime lock: no test, lint or browser tools.
RUN_LOCK := requirements/main.txt
RUN_STAMP := $(VENV)/.installed-run-$(shell cat pyproject.toml $(RUN_LOCK) | cksum | cut -d' ' -f1)

.PHONY: run test lint unit format migrate backup release bench lock clean teams-package fuzz

# Exactly the versions in the lock, each checked against its hash; then Wellspring itself.
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@rm -f $(VENV)/.installed-dev-*
	@touch $@

# The same, from the runtime lock, with pip's progress: the first time takes a minute or two.
$(RUN_STAMP): pyproject.toml $(RUN_LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing Wellspring's runtime packages from $(RUN_LOCK) into $(VENV) (once; about a minute)"
	$(BIN)/python -m pip install --require-hashes --progress-bar on -r $(RUN_LOCK)
	@echo "Installing Wellspring itself"
	$(BIN)/python -m pip install --quiet --no-deps -e .
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

# Tag the version in pyproject.toml once CHANGELOG.md has its entry (docs/upgrading.md).
release:
	@version=$$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml); \
	grep -q "^## \[$$version\]" CHANGELOG.md || { echo "CHANGELOG.md has no [$$version] entry"; exit 1; }; \
	git tag -a "v$$version" -m "Wellspring $$version" && echo "tagged v$$version; push with: git push origin v$$version"

test: lint unit

unit: $(STAMP)
	$(BIN)/python -m pytest

# The fuzzing of tests/fuzz with thousands of generated requests per kind (make test runs fewer).
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/fuzz

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

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
