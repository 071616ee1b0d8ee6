# The two commands a new machine needs:  make repro  (install + full pipeline)  and  make test.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo -n)

.PHONY: repro test lint chromium

$(STAMP): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade "pip>=24"
	$(PY) -m pip install -q -c constraints.txt -e ".[dev]"
	touch $(STAMP)

repro: $(STAMP)  ## install everything, run the whole pipeline on the demo corpus (MLflow: ./mlflow.db)
	. $(VENV)/bin/activate && dvc repro

# Headless Chromium (Debian's package) for the HTML report test; that test skips, saying why,
# only where it cannot be installed.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	{ $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	  --no-install-recommends chromium >/dev/null; } || echo "make: chromium not installed; the report browser test will skip"

test: $(STAMP) chromium  ## install everything, run the whole test suite (unit, data, model, pipeline tiers)
	. $(VENV)/bin/activate && pytest -q

lint: $(STAMP)
	. $(VENV)/bin/activate && ruff check framescope pipelines tests benchmarks && mypy
