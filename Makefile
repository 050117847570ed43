# `make run` and `make test` each do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
IAB := tests/iab

.PHONY: run test lint bench seed clean

$(BIN)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

# The IAB's own JavaScript codecs, which the tests check our TC and GPP strings against
# (pinned by the lockfile; reinstalled when it changes).
$(IAB)/node_modules/.installed: $(IAB)/package.json $(IAB)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(IAB) --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: the tests against the IAB's own codecs will be skipped"; \
	fi

run: $(BIN)/.installed
	$(BIN)/flask --app app run --debug --host $(HOST) --port $(PORT)

test: $(BIN)/.installed $(IAB)/node_modules/.installed
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check banner tests bench app.py
	$(BIN)/mypy banner

bench: $(BIN)/.installed
	$(BIN)/python bench/run.py

seed: $(BIN)/.installed
	$(BIN)/flask --app app --debug seed-demo

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache $(IAB)/node_modules
