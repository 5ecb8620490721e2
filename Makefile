# Two commands matter: `make run` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint unit format migrate backup release bench clean teams-package fuzz

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

run: $(STAMP)
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

bench: $(STAMP)
	$(BIN)/python -m bench
	$(BIN)/python -m bench.aggregation
	$(BIN)/python -m bench.installs

# The Teams app package (dist/wellspring-teams.zip) from TEAMS_CLIENT_ID and BOT_DOMAIN.
teams-package: $(STAMP)
	$(BIN)/python -m handlers.teams.app_package.build

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
