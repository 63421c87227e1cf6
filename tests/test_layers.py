"""The import contract (docs/architecture.md, "The import contract").

`lint-imports` checks the layers ([tool.importlinter] in pyproject.toml); the AST checks
here see what import-linter cannot:

- No function-level import of a project module: every dependency is declared at the top of
  the module, where the layers contract (`lint-imports`) checks it. A management command's
  `handle` may import inside its body; standalone benchmark scripts configure Django from
  their arguments before their first project import.
- No private name (`_name`) of one project module used by another, neither imported
  (`from claims.engine.rules import _x`) nor reached through the module (`engine._x`): a helper
  that two modules share is public in the module that owns it.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The root packages of the layers contract ([tool.importlinter] in pyproject.toml).
PACKAGES = (
    "provenance",
    "bench",
    "web",
    "api",
    "backoffice",
    "interchange",
    "intake",
    "claims",
    "sources",
    "lib",
)

# Run as `python bench/<script>.py`: they read their arguments, set the environment and
# call django.setup() before importing any project module.
STANDALONE_SCRIPTS = {"bench/recompute.py", "bench/import_rate.py"}


def project_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix()


def module_name(relpath):
    parts = relpath.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_project(module):
    return module.split(".")[0] in PACKAGES


def imported_modules(node, current, is_package=False):
    """The project modules an Import/ImportFrom node names (relative imports resolved)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if is_project(alias.name)]
    module = node.module or ""
    if node.level:
        package = current.split(".") if is_package else current.split(".")[:-1]
        base = package[: len(package) - (node.level - 1)]
        module = ".".join(base + ([node.module] if node.module else []))
    return [module] if is_project(module) else []


def allowed_inside(function, relpath):
    return function.name == "handle" and "/management/commands/" in relpath


def read(relpath):
    return (ROOT / relpath).read_text(encoding="utf-8")


def function_level_imports(relpath, source):
    """(line, module) of each project import inside a function body."""
    tree = ast.parse(source, filename=relpath)
    current = module_name(relpath)
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, function or child)
            elif isinstance(child, ast.Import | ast.ImportFrom):
                if function is not None and not allowed_inside(function, relpath):
                    modules = imported_modules(child, current, relpath.endswith("__init__.py"))
                    found.extend((child.lineno, m) for m in modules)
            else:
                visit(child, function)

    visit(tree, None)
    return found


def is_module(dotted):
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def is_private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_name_uses(relpath, source):
    """(line, 'module._name') for each private name of another project module used here."""
    tree = ast.parse(source, filename=relpath)
    current = module_name(relpath)
    found = []
    module_aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            modules = imported_modules(node, current, relpath.endswith("__init__.py"))
            if not modules or modules[0] == current:
                continue
            for alias in node.names:
                if is_private(alias.name):
                    found.append((node.lineno, f"{modules[0]}.{alias.name}"))
                elif is_module(f"{modules[0]}.{alias.name}"):
                    # `from claims import engine` binds a module; remember it for `engine._x`.
                    module_aliases[alias.asname or alias.name] = f"{modules[0]}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if is_project(alias.name):
                    module_aliases[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else alias.name.split(".")[0]
                    )
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and is_private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in module_aliases
            and module_aliases[node.value.id] != current
        ):
            found.append((node.lineno, f"{module_aliases[node.value.id]}.{node.attr}"))
    return sorted(set(found))


def offenders(check):
    return [
        f"{relpath}:{line}: {what}"
        for relpath in project_files()
        if relpath not in STANDALONE_SCRIPTS or check is private_name_uses
        for line, what in check(relpath, read(relpath))
    ]


def test_the_layers_contract_is_kept():
    """`lint-imports`, as `make lint` runs it: every contract kept."""
    result = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "check", [function_level_imports, private_name_uses], ids=["function-level", "private"]
)
def test_no_hidden_or_private_imports(check):
    assert offenders(check) == []


def test_the_checks_see_what_they_forbid():
    sample = (
        "from claims import engine\n"
        "from sources.models import _hidden\n"
        "from . import _own\n"
        "def f():\n"
        "    from claims.models import Claim\n"
        "    from .search import Document\n"
        "    import json\n"
        "    return engine._phrase_pattern, Claim, engine.__name__\n"
    )
    assert function_level_imports("claims/sample.py", sample) == [
        (5, "claims.models"),
        (6, "claims.search"),
    ]
    in_package = "def f():\n    from .engine import rules\n"
    assert function_level_imports("claims/__init__.py", in_package) == [(2, "claims.engine")]
    assert private_name_uses("claims/sample.py", sample) == [
        (2, "sources.models._hidden"),
        (3, "claims._own"),
        (8, "claims.engine._phrase_pattern"),
    ]
