"""What import-linter cannot say: only the trigger glue (functions/) imports azure.functions."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_only_the_trigger_glue_imports_azure_functions() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "shared").rglob("*.py"))
        if any(name == "azure.functions" or name.startswith("azure.functions.") for name in _imports(path))
    ]
    glue = [path for path in sorted((ROOT / "functions").rglob("*.py")) if "azure.functions" in _imports(path)]
    assert glue, "the scan found no azure.functions import in functions/: it is broken"
    assert offenders == []
