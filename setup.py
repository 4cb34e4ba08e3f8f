"""Build script. The package is pure Python (metadata in pyproject.toml).

With ``JIXIAO_COMPILE=1`` the scoring core — the modules that run once per evaluation — is
compiled to C extensions with mypyc (part of mypy), which makes scoring about 1.5 times faster.
It needs mypy and a C compiler in the build environment, so build without isolation::

    JIXIAO_COMPILE=1 pip install --no-build-isolation .

``jixiao.core.model`` (the data classes) stays Python: copies, pickles and ``dataclasses.replace``
of scorecards behave as everywhere else. See docs/performance.md.
"""

from __future__ import annotations

import os

from setuptools import setup

COMPILED = [
    "src/jixiao/core/canonical.py",
    "src/jixiao/core/compiled.py",
    "src/jixiao/core/engine.py",
    "src/jixiao/core/explain.py",
    "src/jixiao/core/expr.py",
    "src/jixiao/core/fields.py",
    "src/jixiao/core/leafscore.py",
    "src/jixiao/core/numbers.py",
    "src/jixiao/core/plan.py",
    "src/jixiao/core/rules.py",
    "src/jixiao/core/totals.py",
]

if os.environ.get("JIXIAO_COMPILE") == "1":
    try:
        from mypyc.build import mypycify
    except ImportError:
        raise SystemExit(
            "JIXIAO_COMPILE=1：构建环境中没有 mypy（mypyc）。请先安装 mypy 与 setuptools>=70.1，"
            "再用 pip install --no-build-isolation 构建。"
            " / JIXIAO_COMPILE=1 needs mypy in the build environment: install mypy and"
            " setuptools>=70.1, then build with pip install --no-build-isolation."
        ) from None
    setup(ext_modules=mypycify(COMPILED, opt_level="3"))
else:
    setup()
