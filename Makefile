# Two commands do all set-up: `make run` and `make test` build .venv/ from uv.lock when it is
# missing or older than the lock, then run. Only python3, pip and make are needed beforehand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
STAMP := $(VENV)/.synced-from-lock

.PHONY: run demo test test-fast lint imports typecheck pytest bench clean

# --compile-bytecode: where PYTHONDONTWRITEBYTECODE is set (as on our machines) nothing caches
# compiled modules, and every command would compile its imports again (about 3 s per start).
$(STAMP): pyproject.toml uv.lock
	@test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet uv==$(UV_VERSION); }
	$(BIN)/uv sync --frozen --quiet --compile-bytecode
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/regenspine serve

# `make demo`: the web app on a fresh synthetic registry of its own (var/demo/, never the real
# one), so every page has data. Every record is flagged synthetic; the admin password is new
# each time and printed once.
DEMO_DIR := var/demo
DEMO_PATIENTS := 2000
DEMO_SEED := 7
DEMO_ENV := REGENSPINE_DATA_DIR=$(DEMO_DIR) REGENSPINE_DATABASE_URL= REGENSPINE_USER=demo-admin

demo: $(STAMP)
	rm -rf $(DEMO_DIR)
	$(DEMO_ENV) $(BIN)/regenspine db upgrade
	$(DEMO_ENV) $(BIN)/regenspine synth --patients $(DEMO_PATIENTS) --seed $(DEMO_SEED)
	@password=$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(12))") && \
	printf '%s\n' "$$password" | $(DEMO_ENV) $(BIN)/regenspine users add demo-admin --role admin --password-stdin && \
	echo "Demo workspace login: demo-admin / $$password (at http://127.0.0.1:8000/clinic)"
	$(DEMO_ENV) $(BIN)/regenspine serve

test: lint imports typecheck pytest

# The pure packages and the unit tests that need no database, browser or server (the decision-aid
# CLI commands, figures, estimates, de-identification and FHIR validation): well under a minute,
# for the edit-test loop. `make test` stays the gate.
FAST_TESTS := tests/knowledge tests/decision_aid tests/care tests/instruments tests/test_architecture.py \
	tests/analytics/test_estimates.py tests/analytics/test_report_figures.py \
	tests/analytics/test_responder_rule.py tests/interop/test_deidentify.py \
	tests/interop/fhir/test_validation.py tests/web/test_validation.py tests/cli/test_app.py \
	tests/cli/test_claims_cli.py tests/cli/test_knowledge_cli.py tests/cli/test_options_cli.py \
	tests/cli/test_score_cli.py tests/cli/test_screening_cli.py tests/cli/test_values_cli.py
test-fast: $(STAMP)
	$(BIN)/pytest -n auto -m "not browser and not postgres" $(FAST_TESTS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The layer contracts of docs/ARCHITECTURE.md (import-linter, configured in pyproject.toml).
imports: $(STAMP)
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# In parallel on every core (pytest-xdist): each test has its own databases and ports.
pytest: $(STAMP)
	$(BIN)/pytest -n auto

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
