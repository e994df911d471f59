# Two commands do all set-up: `make run` and `make test` build .venv/ from uv.lock when it is
# missing or older than the lock, then run. Only python3, pip and make are needed beforehand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
STAMP := $(VENV)/.synced-from-lock

.PHONY: run test lint typecheck pytest bench clean

$(STAMP): pyproject.toml uv.lock
	@test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet uv==$(UV_VERSION); }
	$(BIN)/uv sync --frozen --quiet
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/regenspine serve

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
