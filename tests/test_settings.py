"""The one settings registry: names, defaults, `.env`, precedence, and one-line errors that name the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph import config
from graph.errors import ConfigError
from graph.settings import AtlasSettings, env_name
from ingest.live.settings import SOURCES, api_key, base_url_for, policy_for


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ATLAS_", "NEO4J_"))}
    return {**env, "PYTHONPATH": str(config.PROJECT_ROOT), "ATLAS_DATA_DIR": str(tmp_path / "data"), **extra}


def test_a_malformed_number_is_one_line_naming_the_variable(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "atlas_cli", "stats"], capture_output=True, text=True,
                          cwd=tmp_path, env=_clean_env(tmp_path, ATLAS_HTTP_ATTEMPTS="abc"), timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "ATLAS_HTTP_ATTEMPTS='abc'" in done.stderr and "a whole number of at least 1" in done.stderr


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("ATLAS_GRAPH", "ATLAS_HTTP_ATTEMPTS", "ATLAS_STORE"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".env").write_text("ATLAS_GRAPH=from_dotenv\nATLAS_HTTP_ATTEMPTS=3\nUNRELATED=1\n")
    assert config.graph_name() == "from_dotenv" and config.settings().http_attempts == 3
    monkeypatch.setenv("ATLAS_GRAPH", "from_env")
    assert config.graph_name() == "from_env"  # environment variable > .env > default
    assert config.settings().store == "embedded"


def test_a_bad_value_in_dotenv_names_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ATLAS_STORE", raising=False)
    (tmp_path / ".env").write_text("ATLAS_STORE=postgres\n")
    with pytest.raises(ConfigError, match=r"ATLAS_STORE is not one of 'embedded', 'neo4j'"):
        config.settings()


def test_credentials_never_appear(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", "hunter2-secret")
    monkeypatch.setenv("ATLAS_ADMIN_TOKEN", "token-secret")
    monkeypatch.setenv("NEO4J_BATCH_SIZE", "many")
    with pytest.raises(ConfigError) as caught:
        config.settings()
    assert "NEO4J_BATCH_SIZE='many'" in str(caught.value) and "secret" not in str(caught.value)
    monkeypatch.delenv("NEO4J_BATCH_SIZE")
    shown = repr(config.settings()) + str(config.settings())
    assert "hunter2" not in shown and "token-secret" not in shown
    assert config.settings().neo4j_environ()["NEO4J_PASSWORD"] == "hunter2-secret"


@pytest.mark.parametrize(("env", "value", "form"), [
    ("ATLAS_HTTP_BACKOFF", "-1", "a number of at least 0"),
    ("ATLAS_OPENALEX_MIN_INTERVAL", "nan", "a number of at least 0"),
    ("ATLAS_QUERY_TIMEOUT_MAX_MS", "10", "a whole number of at least 1000"),
    ("ATLAS_QUERY_CONSOLE", "maybe", "1 or 0"),
])
def test_each_kind_of_bad_value(monkeypatch: pytest.MonkeyPatch, env: str, value: str, form: str) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError, match=rf"{env}='{value}' is not {form}"):
        config.settings()


def test_names_and_defaults_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    fields = AtlasSettings.model_fields
    assert env_name("graph_name") == "ATLAS_GRAPH" and env_name("enable_query_console") == "ATLAS_QUERY_CONSOLE"
    assert env_name("semantic_scholar_base_url") == "ATLAS_SEMANTIC_SCHOLAR_BASE_URL"
    assert fields["http_attempts"].default == 6 and fields["query_memory_mb"].default == 2048
    assert SOURCES["semantic-scholar"] == ("s2", "https://api.semanticscholar.org", 1.0)
    for name in [n for n in os.environ if n.startswith(("ATLAS_", "OPENALEX_", "S2_"))]:
        monkeypatch.delenv(name)
    assert policy_for("dblp").min_interval == 1.5 and policy_for("dblp").attempts == 6
    assert api_key("openalex") is None
    monkeypatch.setenv("ATLAS_SEMANTIC_SCHOLAR_BASE_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("ATLAS_SEMANTIC_SCHOLAR_MIN_INTERVAL", "0")
    monkeypatch.setenv("S2_API_KEY", " k ")
    assert base_url_for("semantic-scholar") == "http://127.0.0.1:9" and policy_for("semantic-scholar").min_interval == 0
    assert api_key("s2") == "k"


def test_installed_package_keeps_data_in_the_user_data_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside a checkout the package lives in site-packages, where nothing must be written."""
    from graph import settings

    assert settings.default_data_dir() == settings.PROJECT_ROOT / ".atlas"  # this is a checkout
    monkeypatch.setattr(settings, "IN_CHECKOUT", False)
    installed = settings.default_data_dir()
    assert installed.name == "mlsys-atlas" and settings.PROJECT_ROOT not in installed.parents


def test_tests_never_use_the_checkouts_data_directory() -> None:
    """tests/conftest.py gives each pytest process a data directory of its own: a test that reaches the default
    (`.atlas/` of the checkout, where `make run` keeps the developer's graph) writes a throwaway one instead."""
    import tempfile

    from graph import config, settings

    used = config.data_dir().resolve()
    assert used != (settings.PROJECT_ROOT / ".atlas").resolve()
    assert Path(tempfile.gettempdir()).resolve() in used.parents and used.name.startswith("atlas-test-data-")
