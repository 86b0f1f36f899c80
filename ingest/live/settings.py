"""Settings of the live ingestors: base URLs, politeness and retry knobs, API keys.

The values live in the one settings registry (`graph/settings.py`: environment, then
`.env`, then defaults, validated there) so a test or a user can point a source at another
server (`ATLAS_OPENALEX_BASE_URL=http://127.0.0.1:8000`) or shrink waits
(`ATLAS_HTTP_BACKOFF=0.01`) without touching code. This module turns them into the policy
of one source. API keys are read here and nowhere else; they are never put into logs,
checkpoints or the raw-response store.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from graph import config
from graph.settings import AtlasSettings

# cli name -> internal source name; each has ATLAS_<SOURCE>_BASE_URL and ATLAS_<SOURCE>_MIN_INTERVAL
INTERNAL_NAME: dict[str, str] = {"dblp": "dblp", "openalex": "openalex", "semantic-scholar": "s2",
                                 "arxiv": "arxiv", "openreview": "openreview"}


def _field(cli_name: str, suffix: str) -> str:
    return f"{cli_name.replace('-', '_')}_{suffix}"


# cli name -> (internal source name, default base URL, default seconds between requests to the host)
SOURCES: dict[str, tuple[str, str, float]] = {
    cli: (internal, AtlasSettings.model_fields[_field(cli, "base_url")].get_default(),
          AtlasSettings.model_fields[_field(cli, "min_interval")].get_default())
    for cli, internal in INTERNAL_NAME.items()
}
CLI_NAME = {internal: cli for cli, internal in INTERNAL_NAME.items()}

API_KEY_ENV = {"openalex": "OPENALEX_API_KEY", "s2": "S2_API_KEY"}


@dataclass(frozen=True)
class HttpPolicy:
    """How politely one source is spoken to; every number can be shrunk for tests through the environment."""

    min_interval: float
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    deadline: float = 300.0
    attempts: int = 6
    backoff: float = 1.0
    backoff_max: float = 60.0
    max_retry_after: float = 600.0

    def with_interval(self, seconds: float) -> HttpPolicy:
        return replace(self, min_interval=seconds)


def policy_for(cli_name: str) -> HttpPolicy:
    s = config.settings()
    return HttpPolicy(
        min_interval=getattr(s, _field(cli_name, "min_interval")),
        connect_timeout=s.http_connect_timeout,
        read_timeout=s.http_read_timeout,
        deadline=s.http_deadline,
        attempts=s.http_attempts,
        backoff=s.http_backoff,
        backoff_max=s.http_backoff_max,
        max_retry_after=s.http_max_retry_after,
    )


def base_url_for(cli_name: str, override: str | None = None) -> str:
    return (override or getattr(config.settings(), _field(cli_name, "base_url"))).rstrip("/")


def api_key(source: str) -> str | None:
    secret = {"openalex": config.settings().openalex_api_key, "s2": config.settings().s2_api_key}.get(source)
    value = secret.get_secret_value().strip() if secret is not None else ""
    return value or None


def user_agent() -> str:
    contact = config.settings().contact_email.strip()
    suffix = f"; mailto:{contact}" if contact else ""
    return f"mlsys-atlas/0.1 (MLSys Atlas knowledge graph{suffix})"


def ingest_dir() -> Path:
    """Raw responses, checkpoints and quarantine files of the live ingestors (beside the store)."""
    path = config.data_dir() / "ingest"
    path.mkdir(parents=True, exist_ok=True)
    return path
