# The two commands: `make run` (set up and serve on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}

.PHONY: run test setup setup-dev migrate demo lint bench clean messages

# The site's own requirements (`make run`); the development ones (tests, lint) only for `make test`.
$(VENV)/.installed: requirements.txt
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev

migrate: setup
	$(DEV) $(PY) manage.py migrate --noinput

demo: migrate
	$(DEV) $(PY) manage.py load_demo
	$(DEV) $(PY) manage.py build_downloads

# The site and one background-jobs worker (imports, bulk steps, downloads); the worker stops when the server does.
run: demo
	$(DEV) $(PY) manage.py run_jobs & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

test: lint
	$(DEV) $(VENV)/bin/pytest -n $${PYTEST_WORKERS:-auto} $(PYTEST_ARGS)

# The Arabic catalogue: collect every translatable string of the templates and code into locale/ar/LC_MESSAGES/django.po
# (new ones arrive untranslated: translate them there), then compile the .mo that is committed with it. Needs GNU
# gettext (apt-get install gettext); the site itself only reads the committed .mo. tests/test_translations.py checks it.
messages: setup
	$(DEV) $(PY) manage.py makemessages -l ar --no-obsolete --ignore=.venv --ignore=bench --ignore=tests --ignore=staticfiles --ignore=test-artifacts
	$(DEV) $(PY) manage.py compilemessages -l ar --ignore=.venv --ignore=bench

# The benchmark (bench/README.md): its own virtualenv for Datasette, apart from the site's. BENCH_N=1000000 for the large run.
bench/.venv/.installed: bench/requirements.txt
	test -x bench/.venv/bin/python || $(PYTHON) -m venv bench/.venv
	bench/.venv/bin/pip install --quiet -r bench/requirements.txt
	touch $@

bench: setup bench/.venv/.installed
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts
