"""Docs and reality must not drift apart: every setting of the one registry is documented in the README."""

from graph.config import PROJECT_ROOT, documented_settings

PER_SOURCE = ("_BASE_URL", "_MIN_INTERVAL")  # documented once as ATLAS_<SOURCE>_BASE_URL / _MIN_INTERVAL


def test_every_setting_is_in_the_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    settings = documented_settings()
    assert {"ATLAS_DATA_DIR", "ATLAS_HTTP_ATTEMPTS", "ATLAS_OPENALEX_BASE_URL", "NEO4J_PASSWORD"} <= {
        s.env for s in settings}
    missing = [s.env for s in settings
               if f"`{s.env}`" not in readme
               and not any(s.env.endswith(suffix) and f"`ATLAS_<SOURCE>{suffix}`" in readme for suffix in PER_SOURCE)]
    assert not missing, f"document these settings in README.md: {missing}"


def test_readme_explains_the_dotenv_precedence() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert "`.env`" in readme and "environment variable > `.env` > default" in readme


def test_readme_shows_the_two_commands() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "make test" in (PROJECT_ROOT / ".ci" / "run").read_text()
