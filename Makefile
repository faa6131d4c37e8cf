# Every command sets up what it needs: .venv (Python) and node_modules (Node 22 + CDK CLI).
SHELL := /bin/bash
.DEFAULT_GOAL := help

STAGE ?= sandbox
# One reference application (static-website, serverless-web-app, three-tier-web,
# container-microservice, event-driven-pipeline); every one of them when empty.
APP ?=
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps

# Node 22 and the pinned CDK CLI from node_modules come first, for the CLI and for jsii.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
# The CLI would otherwise try to reach the internet for notices and version checks.
export CDK_DISABLE_CLI_TELEMETRY := true

.PHONY: help setup synth test bench clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMPS)/venv: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/node: package.json package-lock.json
	@npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(STAMPS) && touch $@

# Debian's Chromium and ChromeDriver for the browser test (tests/browser); Selenium is given
# the driver's path, so nothing is downloaded at test time. Installed (as root, or through
# sudo) when either is missing, and checked again on every run even once stamped.
CHROMIUM_BIN := /usr/bin/chromium
CHROMEDRIVER_BIN := /usr/bin/chromedriver
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

$(STAMPS)/chromium: $(if $(and $(wildcard $(CHROMIUM_BIN)),$(wildcard $(CHROMEDRIVER_BIN))),,FORCE)
	@if [ ! -x $(CHROMIUM_BIN) ] || [ ! -x $(CHROMEDRIVER_BIN) ]; then \
		echo "installing chromium and chromium-driver (Debian packages) for tests/browser"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium chromium-driver >/dev/null; \
	fi
	@mkdir -p $(STAMPS) && touch $@

# Debian's PostgreSQL server for the web app's database tests (tests/runtime/web), which
# start a throwaway cluster with its initdb. Installed (as root, or through sudo) when no
# initdb is there, and checked again on every run even once stamped.
POSTGRESQL_INITDB := $(wildcard /usr/lib/postgresql/*/bin/initdb)

$(STAMPS)/postgresql: $(if $(POSTGRESQL_INITDB),,FORCE)
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "installing postgresql (Debian package) for tests/runtime/web"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			postgresql >/dev/null; \
	fi
	@mkdir -p $(STAMPS) && touch $@

.PHONY: FORCE
FORCE:

setup: $(STAMPS)/venv $(STAMPS)/node ## Create .venv and node_modules (the other commands do this too)

synth: setup ## Synthesize APP (one application; all without it) for STAGE (sandbox|production) into cdk.out/
	@$(PY) scripts/synth_summary.py --stage $(STAGE) $(if $(APP),--app $(APP)) $(if $(ALARM_EMAIL),--alarm-email $(ALARM_EMAIL)) \
		$(if $(MONTHLY_BUDGET_USD),--context monthly_budget_usd=$(MONTHLY_BUDGET_USD))

test: setup $(STAMPS)/chromium $(STAMPS)/postgresql ## Run the whole test suite (assertions, snapshots, cdk-nag, cfn-lint, the browser test; installs Chromium and PostgreSQL when missing)
	@$(PY) -m pytest

bench: setup ## Time synth (an empty app, each application, all) against the targets, and make test
	@$(PY) scripts/bench.py

# Deploying. STACKS="A B" picks stacks by id (default: all); CONFIRM=production unlocks
# the production stage. `make sandbox` needs no AWS account: a local emulator stands in.
STACKS ?=
CONFIRM ?=
# The address alarms notify; `make deploy STAGE=production` refuses without one.
ALARM_EMAIL ?=
# An AWS Budgets monthly limit in USD for the account stack, mailed to ALARM_EMAIL.
MONTHLY_BUDGET_USD ?=
DEPLOY := $(PY) -m deploy.cli
DEPLOY_ARGS = --stage $(STAGE) $(if $(APP),--application $(APP)) $(if $(STACKS),--stacks "$(STACKS)") $(if $(CONFIRM),--confirm $(CONFIRM)) \
	$(if $(ALARM_EMAIL),--alarm-email $(ALARM_EMAIL)) $(if $(MONTHLY_BUDGET_USD),--context monthly_budget_usd=$(MONTHLY_BUDGET_USD))

.PHONY: sandbox sandbox-down deploy destroy diff smoke

sandbox: setup ## Deploy STAGE to a local AWS emulator, smoke-check it; it stays up (.sandbox/)
	@$(DEPLOY) sandbox $(DEPLOY_ARGS)

sandbox-down: setup ## Destroy the emulator's stacks, check nothing is left, stop it
	@$(DEPLOY) sandbox-down

deploy: setup ## Deploy STAGE to the AWS account of your credentials (checks bootstrap first)
	@$(DEPLOY) deploy $(DEPLOY_ARGS)

destroy: setup ## Destroy STAGE's stacks in the AWS account of your credentials
	@$(DEPLOY) destroy $(DEPLOY_ARGS)

diff: setup ## Show what `make deploy` would change in your AWS account
	@$(DEPLOY) diff $(DEPLOY_ARGS)

smoke: setup ## Run the smoke checks against STAGE's stacks in your AWS account
	@$(DEPLOY) smoke $(DEPLOY_ARGS)

# The construct library as a wheel (pyproject.toml): `pip install dist/cdk_refarch-*.whl`.
# Built with the pinned setuptools of .venv, no isolated build env to download; build/ is
# removed first so that a module deleted from cdk_refarch/ cannot linger in the wheel.
.PHONY: wheel
wheel: $(STAMPS)/venv ## Build the construct library's wheel into dist/
	@rm -rf build cdk_refarch.egg-info dist/cdk_refarch-*.whl
	@$(PY) -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir dist .
	@rm -rf build cdk_refarch.egg-info
	@ls dist/cdk_refarch-*.whl

clean: ## Remove generated files (cdk.out, caches, dist); keeps .venv and node_modules
	rm -rf cdk.out .pytest_cache $(STAMPS) dist build cdk_refarch.egg-info .wheelhouse
