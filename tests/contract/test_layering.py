"""The layering, checked on the source (every import, including those inside functions):

- the core (`lakebox/app.py`, `lakebox/aws/`, `lakebox/storage/`) never imports a
  service (`lakebox.services.<name>...`); the registry `lakebox.services` itself, which
  names and loads services without importing them, is allowed;
- a module outside a service reaches it only through its `public.py`
  (`lakebox.services.<name>.public`); inside a service anything of its own goes;
- the core names no service in its code either: a string that is a service's name (a
  table keyed by service, a branch on `spec.name`) is the service's knowledge in the
  core, which belongs in the service's hooks or model patch.
"""
import ast
import pathlib
import sys

import pytest

from lakebox.services import SERVICE_NAMES

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "lakebox"
CORE = ("app.py", "aws/", "storage/")

# Known violations, to be emptied as they are fixed: (file, imported module).
ALLOWED = set()


# Core files that still name a service in a string, to be emptied as they move to the
# service: (file, service). S3 is the routing fallback and its wire rules (path-style
# addressing, its XML namespace, its signing and validation rules) sit in the core.
NAMED_ALLOWED = {("aws/routing.py", "s3"), ("aws/routing.py", "s3control"), ("aws/serialize.py", "s3"),
                 ("aws/signing.py", "s3"), ("aws/validate.py", "s3")}


def sources():
    return sorted(path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py"))


def module_name(relative: str) -> str:
    parts = ["lakebox", *relative[:-3].split("/")]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(relative: str) -> set:
    """Every module the file imports, relative imports resolved (`from m import x` imports
    `m`, and `m.x` too when x is a submodule)."""
    tree = ast.parse((PACKAGE / relative).read_text(), relative)
    package = module_name(relative).split(".")
    if not relative.endswith("__init__.py"):
        package = package[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[:len(package) - node.level + 1] + ([node.module] if node.module else [])) \
                if node.level else node.module
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if is_module(f"{base}.{alias.name}"))
    return found


def is_module(name: str) -> bool:
    path = PACKAGE.joinpath(*name.split(".")[1:])
    return name.startswith("lakebox.") and (path.with_suffix(".py").is_file() or (path / "__init__.py").is_file())


def service_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["lakebox", "services"] else None


def violations(relative: str) -> set:
    own = service_of(module_name(relative))
    found = set()
    for module in imported_modules(relative):
        service = service_of(module)
        if service is None or service == own:
            continue
        if relative.startswith(CORE) or not _through_public(module):
            found.add((relative, module))
    return found


def _through_public(module: str) -> bool:
    parts = module.split(".")
    return len(parts) == 3 or parts[3] == "public"     # `from lakebox.services.x import public`


@pytest.mark.parametrize("relative", sources())
def test_imports_respect_the_layering(relative):
    assert violations(relative) - ALLOWED == set()


def test_every_allowed_violation_still_exists():
    """An allow-list entry whose violation is gone must be removed, so the list only shrinks."""
    present = {found for relative in sources() for found in violations(relative)}
    assert ALLOWED - present == set()


def services_named(relative: str) -> set:
    """(file, service) for each service whose name a string of the file is (docstrings
    and comments, which explain, are not code)."""
    tree = ast.parse((PACKAGE / relative).read_text(), relative)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr)}
    return {(relative, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and node.value in SERVICE_NAMES and id(node) not in docstrings}


@pytest.mark.parametrize("relative", [path for path in sources() if path.startswith(CORE)])
def test_the_core_names_no_service(relative):
    assert services_named(relative) - NAMED_ALLOWED == set()


def test_every_allowed_name_is_still_there():
    present = {found for relative in sources() if relative.startswith(CORE) for found in services_named(relative)}
    assert NAMED_ALLOWED - present == set()


def test_the_scan_sees_service_names_in_strings(tmp_path, monkeypatch):
    (tmp_path / "aws").mkdir()
    (tmp_path / "aws" / "x.py").write_text('"""sqs."""\nERRATA = {"sqs": {}}\n')
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path)
    assert services_named("aws/x.py") == {("aws/x.py", "sqs")}


def test_the_scan_sees_imports_inside_functions_and_relative_imports(tmp_path, monkeypatch):
    (tmp_path / "aws").mkdir()
    (tmp_path / "aws" / "x.py").write_text("def f():\n    from ..services.s3 import objects\n")
    (tmp_path / "services" / "s3").mkdir(parents=True)
    (tmp_path / "services" / "s3" / "objects.py").write_text("")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path)
    assert ("aws/x.py", "lakebox.services.s3.objects") in violations("aws/x.py")
