# Two commands for users (see README): `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/jixiao: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

.PHONY: venv demo test test-pg lint bench system-deps fast test-compiled
venv: $(BIN)/jixiao

# The web application on embedded defaults: SQLite under ./jixiao-data, demo bureau, units and accounts.
demo: venv system-deps
	$(BIN)/jixiao serve --demo --addr $(or $(ADDR),127.0.0.1:8000)

# LibreOffice and CJK fonts for .pdf output, Chromium for the browser tests; skipped where apt is unavailable.
system-deps:
	-@bash scripts/install-system-deps || echo "未能安装 LibreOffice/中文字体/Chromium：PDF 与浏览器测试将跳过"

lint: venv
	$(BIN)/ruff check src tests bench scripts setup.py
	$(BIN)/mypy
	$(BIN)/lint-imports

test: system-deps lint
	$(BIN)/pytest
	$(MAKE) --no-print-directory test-compiled

# The web tests again on PostgreSQL (CI runs this too; the machine's server at 127.0.0.1:5432).
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
test-pg: venv
	JIXIAO_DATABASE_URL=$(PG_URL) $(BIN)/pytest tests/web -p no:cacheprovider -m "not scaleout"

# The scoring core compiled with mypyc (setup.py, docs/performance.md), installed apart in build/fast:
# the source tree stays pure Python, and only commands run with PYTHONPATH=build/fast use it.
FAST := build/fast
SOURCES := $(shell find src/jixiao -name '*.py' -o -name '*.yaml') setup.py pyproject.toml
CORE_TESTS := tests/test_engine.py tests/test_rules.py tests/test_plan.py tests/test_cases.py tests/test_examples.py \
	tests/test_expr.py tests/test_evaluation_validation.py

$(FAST)/.built: $(SOURCES) | venv
	rm -rf $(FAST)
	JIXIAO_COMPILE=1 $(BIN)/pip install --quiet --no-build-isolation --no-deps --target $(FAST) .
	touch $@

fast: $(FAST)/.built

# The same scoring tests on the compiled core. Without a C compiler, or when the build fails, they are
# skipped with a notice — unless JIXIAO_REQUIRE_COMPILED=1 (set by .ci/run), which makes that a failure.
test-compiled: venv
	@if command -v cc >/dev/null 2>&1 && $(MAKE) --no-print-directory fast; then \
		JIXIAO_EXPECT_COMPILED=1 PYTHONPATH=$(FAST) $(BIN)/pytest -p no:cacheprovider $(CORE_TESTS); \
	elif [ "$${JIXIAO_REQUIRE_COMPILED:-}" = 1 ]; then \
		echo "编译版评分核心未能构建（需要 C 编译器与 mypy）" >&2; exit 1; \
	else echo "未能构建编译版评分核心（需要 C 编译器与 mypy）：跳过其测试"; fi

bench: venv
	$(BIN)/python bench/score.py
	@if command -v cc >/dev/null 2>&1 && $(MAKE) --no-print-directory fast; then \
		PYTHONPATH=$(FAST) $(BIN)/python bench/score.py; \
	else echo "未能构建编译版评分核心（需要 C 编译器与 mypy）：跳过其基准"; fi
	$(BIN)/python bench/documents.py
	$(BIN)/python bench/audit.py
	$(BIN)/python bench/web.py
