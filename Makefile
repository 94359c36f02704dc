# The book's commands. `make book` and `make test` are all a reader or CI needs: each creates the
# environment (.venv, pinned) on first use. Times are measured on a 2-core machine; see README.

PYTHON   ?= python3.11
VENV     := .venv
BIN      := $(VENV)/bin
STAMP    := $(VENV)/.installed
PYTEST   := $(BIN)/python -m pytest -p no:cacheprovider
SEED     ?= 2018
OUT      ?= data/synthetic
MODE     ?= faithful
ASSIGNMENT ?= seto2018
PORT     ?= 8000
CHROMIUM ?= /usr/bin/chromium
NPM_STAMP := node_modules/.installed
TEST_RECORD := _build/make-test.seconds
export CHROMIUM

.PHONY: help env book serve data test test-package test-notebooks test-site browser bench clean

help:
	@echo "make book    build the site into _build/html (creates .venv on first use)"
	@echo "make book EDITION=student   the student edition, no solutions: _build/student/_build/html"
	@echo "make test    run every test: package, notebooks (nbval), strict build, browser"
	@echo "make serve   serve _build/html on http://localhost:$(PORT)"
	@echo "make data    write a synthetic dataset: make data SEED=<int> OUT=<dir> [MODE=sample]"
	@echo "             (MODE=faithful, the default: published counts exact; sample: a replication)"
	@echo "             or the instructor's kit, a dataset per student and an answer key:"
	@echo "             make data STUDENTS=roster.csv OUT=<dir> [ASSIGNMENT=name, default $(ASSIGNMENT)]"
	@echo "make bench   print the benchmark figures beside their budgets"
	@echo "make clean   remove the build (keeps .venv)"

env: $(STAMP)

$(STAMP): requirements.txt requirements-test.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-test.txt
	touch $@

# Strict: any Sphinx warning, missing reference or failing cell fails the build.
# EDITION=reader (default, into _build/html) or student (no solutions; into _build/student/_build/
# html, as Jupyter Book nests its output): seto2018/editions.py reads it and refuses other names.
EDITION  ?= reader
book: $(STAMP)
	SETO2018_EDITION=$(EDITION) $(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going \
	  $(if $(filter reader,$(EDITION)),,--path-output _build/$(EDITION))

serve:
	@test -d _build/html || { echo "no site yet: run 'make book' first"; exit 1; }
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

# With STUDENTS (a CSV roster with a student_id column), OUT must be given: never data/synthetic.
data: $(STAMP)
ifdef STUDENTS
	$(if $(filter file,$(origin OUT)),$(error make data STUDENTS=$(STUDENTS) needs OUT=<dir>))
	$(BIN)/python -m seto2018 data --students "$(STUDENTS)" --assignment "$(ASSIGNMENT)" --out "$(OUT)"
else
	$(BIN)/python -m seto2018 data --seed $(SEED) --mode $(MODE) --out $(OUT)
endif

# The browser tests drive the system's Chromium (Debian's package); never a browser download.
browser:
	@test -x $(CHROMIUM) || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# A passing run records its seconds (and when) for `make bench` to print beside the budget.
test: $(STAMP) browser $(NPM_STAMP)
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory test-package && \
	$(MAKE) --no-print-directory test-notebooks && \
	$(MAKE) --no-print-directory book && \
	$(MAKE) --no-print-directory book EDITION=student && \
	$(MAKE) --no-print-directory test-site && \
	echo "$$(( $$(date +%s) - start )) $$(date -u +%Y-%m-%dT%H:%MZ)" > $(TEST_RECORD) && \
	echo "make test: $$(( $$(date +%s) - start )) s"

test-package: $(STAMP)
	$(PYTEST) -n 2 -m "not site" tests

# Every chapter executed; one notebook per worker so its cells run in order, as many workers as
# the machine has cores.
test-notebooks: $(STAMP)
	SETO2018_BOOK=1 $(PYTEST) --nbval-lax --nbval-current-env -n auto --dist loadfile chapters

test-site: $(STAMP) browser $(NPM_STAMP)
	$(PYTEST) -n 2 -m site tests

# Lighthouse, the Nu HTML Checker and the stock page's Vega files, pinned in package.json (npm;
# Node 18.20 or later; 16 s from an empty npm cache here).
$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node 18.20 or later) is needed for make test and make bench"; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

# Every budget: build times, page weight against a stock book, Lighthouse on every page, the last
# `make test`'s time, the generator. Prints one table; fails when a figure is over its budget.
bench: $(STAMP) browser $(NPM_STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf _build
