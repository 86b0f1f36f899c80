"""Docs and reality must not drift apart: every setting is documented in the README."""

from graph.config import PROJECT_ROOT, SETTINGS


def test_every_setting_is_in_the_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    missing = [s.env for s in SETTINGS if f"`{s.env}`" not in readme]
    assert not missing, f"document these settings in README.md: {missing}"


def test_every_live_ingest_setting_is_in_the_readme() -> None:
    from ingest.live.settings import LIVE_SETTINGS

    readme = (PROJECT_ROOT / "README.md").read_text()
    per_source = {"_BASE_URL", "_MIN_INTERVAL"}
    missing = [s.env for s in LIVE_SETTINGS
               if f"`{s.env}`" not in readme
               and not any(s.env.endswith(suffix) and f"`ATLAS_<SOURCE>{suffix}`" in readme for suffix in per_source)]
    assert not missing, f"document these settings in README.md: {missing}"


def test_readme_shows_the_two_commands() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "make test" in (PROJECT_ROOT / ".ci" / "run").read_text()
