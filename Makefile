# `make run` and `make test` create .venv and install the project with the exact
# versions of constraints.txt. A stamp file records what was installed, so a
# second call skips pip unless pyproject.toml or constraints.txt changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

# Kedro's telemetry plugin reads these variables; the project sends nothing.
export KEDRO_DISABLE_TELEMETRY := true
export DO_NOT_TRACK := 1
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: install install-test run test lint viz lineage-screenshot report-screenshot bench clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(TEST_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(RUN_STAMP) $@

install: $(RUN_STAMP)

install-test: $(TEST_STAMP)

run: $(RUN_STAMP)
	$(BIN)/kedro run $(ARGS)

test: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks scripts notebooks
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks scripts notebooks
	$(BIN)/ruff format --check src tests benchmarks scripts notebooks

# Each script prints one JSON object per line; see benchmarks/README.md.
BENCHMARKS := labelling feed feed_overhead training memory

bench: $(TEST_STAMP)
	@for name in $(BENCHMARKS); do \
		$(BIN)/python benchmarks/$$name.py || exit 1; \
	done

# `make viz` builds kedro-viz's static site with dataset previews into build/
# and serves it on 127.0.0.1 only. Unlike `kedro viz run`, the static site
# does not ask PyPI for the latest kedro-viz version.
VIZ_PORT ?= 4141

viz: $(RUN_STAMP)
	$(BIN)/python scripts/lineage_site.py build
	$(BIN)/python -m http.server --bind 127.0.0.1 $(VIZ_PORT) --directory build

# Redraws the README image; needs Chromium at /usr/bin/chromium.
lineage-screenshot: $(RUN_STAMP)
	$(BIN)/python scripts/lineage_site.py build
	$(BIN)/python scripts/lineage_site.py screenshot --output docs/images/lineage.png

# Redraws the README image of the report from the latest run's report.html;
# needs Chromium at /usr/bin/chromium. The page loads nothing from the network.
report-screenshot:
	report="$$(ls -d data/08_reporting/report.html/*/ | tail -1)report.html"; \
	profile="$$(mktemp -d)"; \
	/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --hide-scrollbars --user-data-dir="$$profile" \
		--window-size=1280,1150 --screenshot=docs/images/report.png \
		"file://$$PWD/$$report"; \
	status=$$?; rm -rf "$$profile"; exit $$status

clean-venv:
	rm -rf $(VENV)
