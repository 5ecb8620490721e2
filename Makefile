# Two commands matter: `make run` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint unit format migrate bench clean teams-package

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

test: lint unit

unit: $(STAMP)
	$(BIN)/python -m pytest

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
