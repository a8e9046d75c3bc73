"""The house's dependency rules, read from the code's own imports (``ast``, nothing is run).

``lib`` <- ``articles`` (reader side) <- ``comments``, ``editorial``, ``contentsync``: the reader
side never imports the editors' desk or the content sync, which never import each other, and
``comments`` depends on ``articles``, never the reverse. Rendering is a pure function: no model,
no URL.
"""

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

PACKAGE = Path(settings.BASE_DIR) / "metsinfo"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, at the top or inside a function, relative imports resolved."""
    package = _module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else _module_name(path)
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _modules(app: str) -> list[Path]:
    return sorted((PACKAGE / app).rglob("*.py"))


def _offending(app: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{path.relative_to(PACKAGE.parent)} imports {name}"
        for path in _modules(app)
        for name in set(imports_of(path))
        if any(name == other or name.startswith(f"{other}.") for other in forbidden)
    )


@pytest.mark.parametrize(
    ("app", "forbidden"),
    [
        ("articles", ("metsinfo.editorial", "metsinfo.contentsync", "metsinfo.comments")),
        ("comments", ("metsinfo.editorial", "metsinfo.contentsync")),
        ("editorial", ("metsinfo.contentsync",)),
        ("contentsync", ("metsinfo.editorial",)),
        ("lib", ("metsinfo.articles", "metsinfo.comments", "metsinfo.editorial", "metsinfo.contentsync")),
    ],
)
def test_an_app_never_imports_the_apps_that_build_on_it(app: str, forbidden: tuple[str, ...]) -> None:
    assert _modules(app), f"metsinfo/{app}/ has no modules"
    assert _offending(app, forbidden) == []


def _project_imports_closure(start: str) -> set[str]:
    """``start`` and every project module it imports, directly or through others."""
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for candidate in (
            (PACKAGE.parent / Path(*name.split("."))).with_suffix(".py"),
            (PACKAGE.parent / Path(*name.split(".")) / "__init__.py"),
        ):
            if candidate.is_file():
                todo += [imported for imported in imports_of(candidate) if imported.startswith("metsinfo.")]
                break
    return seen


def test_markdown_rendering_imports_no_model_and_no_url_resolver() -> None:
    reached = _project_imports_closure("metsinfo.articles.rendering")
    assert not {name for name in reached if name.startswith("metsinfo.articles.models")}
    tree = ast.parse((PACKAGE / "articles" / "rendering.py").read_text())
    django_imports = [
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module.startswith("django")
    ]
    assert django_imports == []


def test_serving_reader_pages_does_not_load_textstat() -> None:
    """textstat (some 30 MB per worker) loads only when content is measured, never to serve a page."""
    script = (
        "import sys, django; django.setup(); "
        "from django.urls import resolve; resolve('/'); "
        "import metsinfo.urls, metsinfo.wsgi; "
        "print('textstat' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=settings.BASE_DIR, check=True
    )
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.parametrize("label", ["editorial", "contentsync"])
def test_the_desk_and_the_sync_own_no_models(label: str) -> None:
    """Every table stays in articles or comments, so moving code between apps needs no migration."""
    from django.apps import apps

    assert list(apps.get_app_config(label).get_models()) == []
