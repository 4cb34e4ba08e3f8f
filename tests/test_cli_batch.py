"""`score` and `tables` over many files in one process, and a `score` that loads no document code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from conftest import EXAMPLES
from jixiao.cli import app

SRC = Path(__file__).resolve().parent.parent / "src"


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def units(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    text = (EXAMPLES / "lechang-2023.yaml").read_text(encoding="utf-8")
    paths = []
    for i in range(count):
        path = folder / f"u{i}.yaml"
        path.write_text(text.replace("name: 乐昌市人民政府办公室", f"name: 测试单位{i}"), encoding="utf-8")
        paths.append(path)
    return paths


def test_score_many_files_and_a_folder_in_one_run(tmp_path: Path) -> None:
    files = units(tmp_path / "in", 3)
    result = invoke("score", str(tmp_path / "in"))
    assert result.exit_code == 0, result.output
    assert "评分结果汇总（3 个文件）" in result.output
    assert all(f"测试单位{i}" in result.output for i in range(3))
    as_json = invoke("score", *map(str, files[:2]), "--json")
    assert as_json.exit_code == 0
    documents = json.loads(as_json.stdout)
    assert [d["format"] for d in documents] == ["jixiao/score@1"] * 2
    assert "测试单位0" in json.dumps(documents[0], ensure_ascii=False)
    assert "测试单位1" in json.dumps(documents[1], ensure_ascii=False)


def test_score_many_goes_on_past_bad_files_and_exits_with_the_worst(tmp_path: Path) -> None:
    files = units(tmp_path, 2)
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: [\n", encoding="utf-8")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(files[0].read_text(encoding="utf-8").replace("year: 2023", "year: 两千"), encoding="utf-8")
    result = invoke("score", str(files[0]), str(wrong), str(files[1]))
    assert result.exit_code == 1, result.output
    assert "有错误" in result.output and "测试单位1" in result.output
    result = invoke("score", str(files[0]), str(broken), str(wrong))
    assert result.exit_code == 2
    assert "无法读取" in result.output and "broken.yaml" in result.output and "测试单位0" in result.output


def test_empty_folder_is_refused(tmp_path: Path) -> None:
    result = invoke("score", str(tmp_path))
    assert result.exit_code == 2 and "没有评价数据文件" in result.output


def test_tables_for_many_files_into_a_folder(tmp_path: Path) -> None:
    files = units(tmp_path / "in", 3)
    broken = tmp_path / "in" / "z-broken.yaml"
    broken.write_text("format: [\n", encoding="utf-8")
    result = invoke("tables", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"{f.stem}.xlsx" for f in files]
    assert "未生成" in result.output and "z-broken" in result.output
    again = invoke("tables", *map(str, files), "-o", str(tmp_path / "out"))
    assert again.exit_code == 2 and "--force" in again.output  # existing workbooks are not replaced
    assert invoke("tables", *map(str, files), "-o", str(tmp_path / "out"), "--force").exit_code == 0


def test_score_loads_no_document_audit_or_web_code(tmp_path: Path) -> None:
    """Start-up time: scoring from the CLI entry point imports neither the writers, the auditor nor Django."""
    code = (
        "import sys\n"
        "from jixiao.cli import main\n"
        f"sys.argv = ['jixiao', 'score', {str(EXAMPLES / 'lechang-2023.yaml')!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('jixiao.documents.build', 'jixiao.documents.docx', 'jixiao.documents.xlsx', 'jixiao.documents.pdf',\n"
        "         'jixiao.services.documents', 'jixiao.audit', 'jixiao.services.audit', 'jixiao.web', 'django',\n"
        "         'docx', 'openpyxl', 'xlsxwriter', 'pypdf')\n"
        "print('LOADED', [m for m in heavy if m in sys.modules])\n"
    )
    env = dict(os.environ, PYTHONPATH=str(SRC))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert "LOADED []" in result.stdout, result.stdout + result.stderr
