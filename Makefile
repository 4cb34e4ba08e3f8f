# Two commands for users (see README): `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/jixiao: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

.PHONY: venv demo test test-pg lint bench system-deps
venv: $(BIN)/jixiao

# The web application on embedded defaults: SQLite under ./jixiao-data, demo bureau, units and accounts.
demo: venv system-deps
	$(BIN)/jixiao serve --demo --addr $(or $(ADDR),127.0.0.1:8000)

# LibreOffice and CJK fonts for .pdf output, Chromium for the browser tests; skipped where apt is unavailable.
system-deps:
	-@bash scripts/install-system-deps || echo "未能安装 LibreOffice/中文字体/Chromium：PDF 与浏览器测试将跳过"

lint: venv
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

test: system-deps lint
	$(BIN)/pytest

# The web tests again on PostgreSQL (CI runs this too; the machine's server at 127.0.0.1:5432).
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
test-pg: venv
	JIXIAO_DATABASE_URL=$(PG_URL) $(BIN)/pytest tests/web -p no:cacheprovider -m "not scaleout"

bench: venv
	$(BIN)/python bench/score.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/pdf_batch.py
	$(BIN)/python bench/documents.py
	$(BIN)/python bench/audit.py
	$(BIN)/python bench/web.py
