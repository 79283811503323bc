# The README names two commands: `make run` and `make test`. Everything else here is what they use.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Seed only one district for a quicker demo: make run SEED_DISTRICT=410105
SEED_DISTRICT ?=
PYTEST_ARGS ?=

.PHONY: run test setup venv system-deps assets db demo lint bench serve clean

# Settings default to DEBUG off (a deployment that forgets it shows no tracebacks); the laptop targets
# turn it on explicitly. Tests set their own SECRET_KEY (tests/testenv.py) and run with DEBUG off.
run db demo serve bench: export DEBUG ?= 1

run: setup db demo serve

test: setup
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

setup: venv system-deps assets

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; no browser download).
system-deps:
	bash scripts/install-system-deps.sh

# htmx and Chart.js from the npm registry, copied into static/vendor/.
assets: static/vendor/.installed

static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/chart.umd.min.js
	touch $@

# Real data: divisions, grids with their workers, departments and the 派单目录, a trained model.
db: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_divisions
	$(PY) manage.py seed_grids $(if $(SEED_DISTRICT),--district $(SEED_DISTRICT),)
	$(PY) manage.py seed_departments
	$(PY) manage.py train_classifier --if-missing

# Demo accounts for each role and a month of tickets; prints the accounts.
demo: db
	$(PY) manage.py seed_demo

serve:
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "12345 网格化治理工单系统: http://127.0.0.1:$(PORT)/   (API docs: /api/docs/, admin: /admin/)"
	@echo "演示账号 demo accounts (password demo12345): operator, dispatcher, supervisor, supervisor_district, staff, staff_chengguan, staff_sthj, staff_street, gw410105001003001, gw410105001003001001, admin"
	PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: setup
	$(PY) bench/seed.py
	$(PY) bench/classifier.py
	$(PY) bench/dispatch.py
	$(PY) bench/dashboard.py
	$(PY) bench/duplicates.py
	$(PY) bench/routing.py
	$(PY) bench/route_speed.py
	$(PY) bench/hotspots.py
	$(PY) bench/scale.py --json

clean:
	rm -rf var static/vendor node_modules
