# Two commands set everything up on a fresh machine with Python 3.11, pip and make:
#   make report   installs bioris into .venv and writes the report of the bundled dataset
#   make test     installs bioris with its test tools into .venv and runs lint + the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT := out

.PHONY: report test lint format dataset clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python scripts/fetch_plotly_bundle.py
	touch $(STAMP)

report: $(STAMP)
	BIORIS_STORE=$(OUT)/bioris.sqlite $(BIN)/bioris report --out $(OUT)/bioris-report.html --data $(OUT)/report-data

# The browser tests drive Debian's chromium (never a downloaded browser build); installed
# here when missing and allowed (root with apt-get), else those tests are skipped locally.
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } \
	  || echo "note: chromium not installed; the browser tests will be skipped"

test: $(STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .

# Rebuild the bundled dataset from ../shared/data/raw (reviewed decisions in dataset/).
dataset: $(STAMP)
	$(BIN)/python scripts/build_dataset.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
