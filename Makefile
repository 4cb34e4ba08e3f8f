# Two commands for users (see README): `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/jixiao: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

.PHONY: venv demo test lint bench system-deps
venv: $(BIN)/jixiao

demo: venv
	$(BIN)/jixiao score examples/lechang-2023.yaml

# LibreOffice and CJK fonts for .pdf output and the workbook recompute test; skipped where apt is unavailable.
system-deps:
	-@bash scripts/install-system-deps || echo "未能安装 LibreOffice/中文字体：PDF 相关测试将跳过"

lint: venv
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

test: system-deps lint
	$(BIN)/pytest

bench: venv
	$(BIN)/python bench/score.py
	$(BIN)/python bench/documents.py
	$(BIN)/python bench/audit.py
