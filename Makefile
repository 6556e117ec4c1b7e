# The two commands: `make run` (start the app on 127.0.0.1) and `make test` (the whole suite).
# Both create the virtual environment from nothing on a fresh machine; `make test` also installs
# Debian's chromium for the browser tests when it is missing, and starts (or installs) PostgreSQL for
# the store tests when none answers on 127.0.0.1:5432 (scripts/ensure-postgres.sh).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test lint check bench clean chromium

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

test: chromium lint
	SCREENING_TEST_POSTGRES="$$(scripts/ensure-postgres.sh)" $(PY) -m pytest -q

# The browser tests drive Debian's chromium (never `playwright install`): apt-get it when it is
# missing, through sudo unless already root.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  command -v apt-get >/dev/null 2>&1 || { echo "make test needs chromium: install it with your package manager" >&2; exit 1; }; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v chromium >/dev/null 2>&1 || { echo "chromium is still missing after apt-get" >&2; exit 1; }

bench: $(VENV)/.installed
	$(PY) bench/run.py

clean:
	rm -rf $(VENV)
