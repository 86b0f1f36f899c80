"""The command line imports only what the command being run needs, and its table of lazily
imported commands says exactly what each feature module registers."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

import pytest

from atlas_cli.main import COMMAND_MODULES, make_parser


@pytest.mark.parametrize("module_name", sorted(COMMAND_MODULES))
def test_command_table_matches_what_modules_register(module_name: str) -> None:
    sub = argparse.ArgumentParser().add_subparsers()
    importlib.import_module(module_name).register(sub)
    registered = {action.dest: action.help for action in sub._choices_actions}
    assert registered == COMMAND_MODULES[module_name]


def test_help_lists_every_command_without_importing_features() -> None:
    code = ("import sys; from atlas_cli.main import make_parser; p = make_parser(['--help']); "
            "print(sorted(p._subparsers._group_actions[0].choices)); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'spacy', 'networkx', 'streamlit', "
            "'scipy', 'pandas', 'pydantic'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    commands = set(eval(out[0]))  # noqa: S307 - our own repr of a list of strings
    assert {c for cmds in COMMAND_MODULES.values() for c in cmds} | {"build", "stats", "server"} <= commands
    assert out[1] == "[]", f"--help imported heavy modules: {out[1]}"


def test_chosen_command_registers_its_module_for_real() -> None:
    args = make_parser(["tag", "--help"])
    tag = args._subparsers._group_actions[0].choices["tag"]
    assert any(a.dest == "input" for a in tag._actions)


def test_version() -> None:
    done = subprocess.run([sys.executable, "-m", "atlas_cli", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("mlsys-atlas ")


def test_every_data_file_of_the_packages_is_declared_package_data() -> None:
    """The wheel ships only declared data files; a missing one breaks `pip install` users (scripts/check_wheel.sh)."""
    import tomllib

    from graph.config import PROJECT_ROOT

    declared = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    for root in ("graph", "ingest"):
        for path in (PROJECT_ROOT / root).rglob("*"):
            if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts:
                package = ".".join(path.parent.relative_to(PROJECT_ROOT).parts)
                assert path.name in declared.get(package, []), f"declare {path.name} as package data of {package}"
