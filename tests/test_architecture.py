"""The layers of analysis/ and the direction of their imports (ARCHITECTURE.md).

core < data < estimation < display < report < pipeline: a module may import its own layer and the
layers below it, never one above. The renderer (analysis/render) imports nothing from the rest of
analysis; the report layer may use its cell-option parser and the pipeline drives it. Imports inside
functions are allowed only for the optional heavy tools named in LAZY_OK.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["core", "data", "estimation", "display", "report", "pipeline"]
# layer -> extra packages it may import besides the layers below it
EXTRA = {"report": {"render"}, "pipeline": {"render"}, "render": set()}
LAZY_OK = {"pypandoc", "typst", "quarto", "pooch"}  # optional heavy tools, imported where used
# The pipeline imports its heavy steps where they run: a build with nothing to do must not pay
# seconds of imports (pandas, nbformat's jsonschema, papermill) before it says so (issue 13).
LAZY_LAYERS = {"pipeline"}


def layer_of(module: str) -> str | None:
    """'analysis.data.panel' -> 'data'; None for modules outside analysis' layers."""
    parts = module.split(".")
    if parts[0] != "analysis" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in ORDER or parts[1] == "render" else None


def allowed(src: str, dst: str) -> bool:
    if src == dst:
        return True
    if src == "render":
        return False
    if dst == "render":
        return dst in EXTRA.get(src, set())
    return ORDER.index(dst) < ORDER.index(src)


def module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """The absolute names an import statement brings in ('analysis.data.panel.PanelSpec', 'pandas')."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if not isinstance(node, ast.ImportFrom) or node.module == "__future__":
        return []
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        base = package[: len(package) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module
    return [f"{prefix}.{a.name}" for a in node.names]


def violations(root: Path) -> list[str]:
    """Every wrong-way or function-local import under root/analysis, as 'file:line: message'."""
    found = []
    for path in sorted((root / "analysis").rglob("*.py")):
        module = module_name(path, root)
        src_layer = layer_of(module)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            targets = imported(node, module, path.name == "__init__.py")
            if not targets:
                continue
            where = f"{path.relative_to(root)}:{node.lineno}"
            if (
                id(node) not in top
                and src_layer not in LAZY_LAYERS
                and not any(t.split(".")[0] in LAZY_OK or "quarto" in t for t in targets)
            ):
                found.append(f"{where}: function-local import of {', '.join(targets)}")
            if src_layer is None:
                continue
            for t in targets:
                dst = layer_of(t)
                if dst and not allowed(src_layer, dst):
                    found.append(f"{where}: {src_layer} imports {t} ({dst} is not below {src_layer})")
    return found


def test_imports_follow_the_layers():
    assert violations(ROOT) == []


def test_every_module_sits_in_a_layer():
    loose = [p.name for p in (ROOT / "analysis").glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert loose == []


@pytest.mark.parametrize(
    "planted, expect",
    [
        ("from analysis.report import audit\n", "data imports analysis.report"),
        ("def f():\n    import pandas\n", "function-local import"),
        ("from analysis.pipeline.build import build\n", "data imports analysis.pipeline"),
    ],
)
def test_a_planted_wrong_way_import_is_caught(tmp_path, planted, expect):
    for layer in ORDER + ["render"]:
        (tmp_path / "analysis" / layer).mkdir(parents=True)
        (tmp_path / "analysis" / layer / "__init__.py").write_text("")
    (tmp_path / "analysis" / "__init__.py").write_text("")
    (tmp_path / "analysis" / "data" / "fine.py").write_text("from analysis.core import config\n")
    (tmp_path / "analysis" / "data" / "wrong.py").write_text(planted)
    found = violations(tmp_path)
    assert len(found) == 1 and expect in found[0] and "wrong.py" in found[0]


def test_the_renderer_imports_nothing_from_the_rest(tmp_path):
    (tmp_path / "analysis" / "render").mkdir(parents=True)
    (tmp_path / "analysis" / "render" / "x.py").write_text("from analysis.core.errors import DataError\n")
    assert violations(tmp_path) == [
        "analysis/render/x.py:1: render imports analysis.core.errors.DataError (core is not below render)"
    ]


def ownership_rows(root: Path = ROOT) -> dict[str, str]:
    """ARCHITECTURE.md's ownership table: package path -> the text of its row."""
    rows = {}
    for line in (root / "ARCHITECTURE.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 3 and cells[1].startswith("`analysis/"):
            rows[cells[1].strip("`")] = cells[2]
    return rows


def unnamed_modules(root: Path = ROOT) -> list[str]:
    """Modules (and packages) of analysis/ that ARCHITECTURE.md's ownership table does not name in their row."""
    rows = ownership_rows(root)
    missing = []
    for init in sorted((root / "analysis").glob("*/**/__init__.py")):
        package = init.parent.relative_to(root).as_posix()
        if package not in rows:
            missing.append(package)
            continue
        missing += [
            f"{package}/{m.name}"
            for m in sorted(init.parent.glob("*.py"))
            if m.stem != "__init__" and f"`{m.stem}`" not in rows[package]
        ]
    return missing


def test_the_ownership_table_names_every_module():
    """A newcomer finds every module of every package in ARCHITECTURE.md, in the row of its package."""
    assert unnamed_modules() == []


def test_the_ownership_check_fails_on_an_unnamed_module(tmp_path):
    (tmp_path / "analysis" / "report").mkdir(parents=True)
    (tmp_path / "analysis" / "extra").mkdir()
    for name in ("report/__init__.py", "report/audit.py", "report/new_thing.py", "extra/__init__.py"):
        (tmp_path / "analysis" / name).write_text("")
    (tmp_path / "ARCHITECTURE.md").write_text(
        "| area | what |\n|---|---|\n| `analysis/report` | the audit (`audit`) |\n"
    )
    assert unnamed_modules(tmp_path) == ["analysis/extra", "analysis/report/new_thing.py"]
