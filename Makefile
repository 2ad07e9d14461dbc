# The two set-up commands: `make demo` and `make test`. Both build .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export DJANGO_SETTINGS_MODULE := youthleague.settings

.PHONY: demo test install migrate lint format clean deploy-check bench

# The development set (tests, lint, the benchmark's locust, honcho) on top of the runtime one;
# production installs requirements.txt alone. A change to either file reinstalls.
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --only-binary=:all: -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo --keep
	@echo ""
	@echo "  The portal: http://127.0.0.1:8000/   (health: http://127.0.0.1:8000/healthz)"
	@echo "  Logins (password demo-pass-2024): staff, leader, secretary_a, secretary_b"
	@echo "  Ctrl-C stops the web server, the Celery worker and beat together."
	@echo ""
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.demo start

test: install
	$(BIN)/python -m pytest

# The benchmarks (bench/, docs/benchmarks.md): BENCH_SCALE=district|city, BENCH_SECONDS of load
# per page and run (each page runs saturated, then paced by BENCH_THINK seconds between a user's
# pages). Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL); loads the scale's data set when
# missing. BENCH=1 installs the bench app for its command; production settings leave it out.
# BENCH_MIX=day runs a city's working day instead (bench/day.py: secretaries, staff and leaders
# pausing BENCH_DAY_THINK seconds between pages, with a Celery worker and beat): the users step
# through BENCH_STEPS, each BENCH_SECONDS long after BENCH_RAMP seconds of ramp-up, until a step
# misses; the capacity is the largest step that held.
BENCH_SCALE ?= district
BENCH_SECONDS ?= 20
BENCH_THINK ?= 0.5-1.5
BENCH_MIX ?= pages
BENCH_STEPS ?= 50,100,200,400,800,1000,1200
BENCH_RAMP ?= 30
BENCH_DAY_THINK ?= 5-15
bench: migrate
	BENCH=1 $(BIN)/python manage.py bench --scale $(BENCH_SCALE) --seconds $(BENCH_SECONDS) --think $(BENCH_THINK) \
		--mix $(BENCH_MIX) --steps $(BENCH_STEPS) --ramp $(BENCH_RAMP) --day-think $(BENCH_DAY_THINK)
# Django's deployment checks against production settings (DEBUG off, HTTPS, HSTS, secure
# cookies). The key is throwaway: only its strength is checked.
deploy-check: install
	DEBUG=0 ALLOWED_HOSTS=portal.example.cn \
	SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	MEMBER_ID_KEY="$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
	MEMBER_ID_HASH_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var/ $(VENV)
