# ekyc: the two commands a newcomer needs.
#   make serve   install what the service needs, build, fetch models, create a demo key, serve on 127.0.0.1:8080
#   make test    everything CI runs (formatting, lints, unit + integration tests, SDK contract tests)

ADDR ?= 127.0.0.1:8080
DATA_DIR ?= ekyc-data
CARGO ?= cargo
BIN := target/release/ekyc
export EKYC_TEST_DATA ?= $(abspath ../shared/data)

.PHONY: serve test setup build models demo-key lint unit contract bench clean

setup:
	scripts/setup-system.sh

build: setup
	$(CARGO) build --release --locked -p ekyc

models: build
	EKYC_PYTHON=$$(scripts/venv.sh) $(BIN) models fetch

demo-key: build
	@if [ -z "$$($(BIN) keys list --data-dir $(DATA_DIR) --json | grep SecretId)" ]; then \
	  $(BIN) keys create --data-dir $(DATA_DIR) --label demo --json > $(DATA_DIR)/demo-key.json; \
	  chmod 600 $(DATA_DIR)/demo-key.json; \
	fi
	@echo "demo key (also in $(DATA_DIR)/demo-key.json):"; cat $(DATA_DIR)/demo-key.json; echo

serve: models demo-key
	@echo "calling it: see README.md 'Python SDK quickstart' (endpoint $(ADDR), scheme http)"
	$(BIN) serve --addr $(ADDR) --data-dir $(DATA_DIR)

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

unit: models
	$(CARGO) test --workspace --locked
	$$(scripts/venv.sh) tools/alarms/test_capture.py

contract: models
	EKYC_BIN=$(abspath $(BIN)) tools/sdk/run_contract_tests.sh

test: setup lint unit contract
	@echo "all tests passed"

bench: build
	$(BIN) bench intake

clean:
	$(CARGO) clean
