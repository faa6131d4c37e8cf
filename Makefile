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

# pip byte-compiles what it installs on one core, two thirds of its time here (65 s in
# all); compileall does it on every core (45 s in all, measured one after the other). Like
# pip, it goes on past a file it cannot compile. Without the .pyc files every test process
# would compile aws-cdk-lib again (the environment may set PYTHONDONTWRITEBYTECODE).
$(STAMPS)/venv: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-compile -r requirements-dev.txt
	@$(PY) -m compileall -q -j 0 $(VENV)/lib >/dev/null || true
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/node: package.json package-lock.json
	@npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(STAMPS) && touch $@

# Debian packages the tests need: Chromium and ChromeDriver for the browser test
# (tests/browser; Selenium is given the driver's path, so nothing is downloaded at test
# time), and PostgreSQL's server for the web app's database tests (tests/runtime/web start a
# throwaway cluster with its initdb). Whichever are missing are installed in one apt-get
# run (as root, or through sudo), checked again on every run even once stamped.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
TEST_PACKAGES_MISSING := $(strip \
	$(if $(wildcard /usr/bin/chromium),,chromium) \
	$(if $(wildcard /usr/bin/chromedriver),,chromium-driver) \
	$(if $(wildcard /usr/lib/postgresql/*/bin/initdb),,postgresql))

$(STAMPS)/test-packages: $(if $(TEST_PACKAGES_MISSING),FORCE)
	@if [ -n "$(TEST_PACKAGES_MISSING)" ]; then \
		echo "installing $(TEST_PACKAGES_MISSING) (Debian packages) for the tests"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			$(TEST_PACKAGES_MISSING) >/dev/null; \
	fi
	@mkdir -p $(STAMPS) && touch $@

.PHONY: FORCE
FORCE:

setup: $(STAMPS)/venv $(STAMPS)/node ## Create .venv and node_modules (the other commands do this too)

synth: setup ## Synthesize APP (one application; all without it) for STAGE (sandbox|production) into cdk.out/
	@$(PY) scripts/synth_summary.py --stage $(STAGE) $(if $(APP),--app $(APP)) $(if $(ALARM_EMAIL),--alarm-email $(ALARM_EMAIL)) \
		$(if $(MONTHLY_BUDGET_USD),--context monthly_budget_usd=$(MONTHLY_BUDGET_USD))

# The three set-ups (Python, Node, Debian packages) at once: on a fresh machine they wait on
# downloads as much as on the CPU.
test: ## Run the whole test suite (assertions, snapshots, cdk-nag, cfn-lint, the browser test; installs Chromium and PostgreSQL when missing)
	@$(MAKE) --no-print-directory -j 3 $(STAMPS)/venv $(STAMPS)/node $(STAMPS)/test-packages
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
