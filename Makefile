# The two commands a new machine needs:  make repro  (install + full pipeline)  and  make test.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: repro test lint

$(STAMP): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade "pip>=24"
	$(PY) -m pip install -q -c constraints.txt -e ".[dev]"
	touch $(STAMP)

repro: $(STAMP)  ## install everything, run the whole pipeline on the demo corpus (MLflow: ./mlflow.db)
	. $(VENV)/bin/activate && dvc repro

test: $(STAMP)  ## install everything, run the whole test suite (unit, data, model, pipeline tiers)
	. $(VENV)/bin/activate && pytest -q

lint: $(STAMP)
	. $(VENV)/bin/activate && ruff check framescope pipelines tests benchmarks && mypy
