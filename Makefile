# The two commands: `make run` (start the app on 127.0.0.1) and `make test` (the whole suite).
# Both create the virtual environment from nothing on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test lint check bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) \
	  --server.headless true --browser.gatherUsageStats false

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m mypy screening ui app.py
	$(PY) -m screening lint

test: lint
	$(PY) -m pytest -q

bench: $(VENV)/.installed
	$(PY) bench/run.py

clean:
	rm -rf $(VENV)
