"""Settings of the live ingestors: base URLs, politeness and retry knobs, API-key variables.

Read lazily from the environment (like `graph.config`) so a test or a user can point a
source at another server (`ATLAS_OPENALEX_BASE_URL=http://127.0.0.1:8000`) or shrink
waits (`ATLAS_HTTP_BACKOFF=0.01`) without touching code. API keys are read here and
nowhere else; they are never put into logs, checkpoints or the raw-response store.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from graph import config
from graph.config import Setting
from graph.errors import ConfigError

# cli name -> (internal source name, default base URL, seconds between requests to the host)
SOURCES: dict[str, tuple[str, str, float]] = {
    "dblp": ("dblp", "https://dblp.org", 1.5),
    "openalex": ("openalex", "https://api.openalex.org", 0.1),
    "semantic-scholar": ("s2", "https://api.semanticscholar.org", 1.0),
    "arxiv": ("arxiv", "https://export.arxiv.org", 3.0),
    "openreview": ("openreview", "https://api2.openreview.net", 3.0),
}
CLI_NAME = {internal: cli for cli, (internal, _, _) in SOURCES.items()}

API_KEY_ENV = {"openalex": "OPENALEX_API_KEY", "s2": "S2_API_KEY"}

LIVE_SETTINGS: tuple[Setting, ...] = (
    *(Setting(f"{cli}_base_url", f"ATLAS_{cli.upper().replace('-', '_')}_BASE_URL", url,
              f"Base URL of the {cli} API (point it at a replay server in tests).")
      for cli, (_, url, _) in SOURCES.items()),
    *(Setting(f"{cli}_min_interval", f"ATLAS_{cli.upper().replace('-', '_')}_MIN_INTERVAL", str(gap),
              f"Minimum seconds between two requests to the {cli} host.")
      for cli, (_, _, gap) in SOURCES.items()),
    Setting("http_backoff", "ATLAS_HTTP_BACKOFF", "1.0", "First retry wait in seconds (doubles, with jitter)."),
    Setting("http_backoff_max", "ATLAS_HTTP_BACKOFF_MAX", "60", "Longest wait between two retries in seconds."),
    Setting("http_attempts", "ATLAS_HTTP_ATTEMPTS", "6", "Attempts per request before giving up with an error."),
    Setting("http_connect_timeout", "ATLAS_HTTP_CONNECT_TIMEOUT", "10", "Connect timeout in seconds."),
    Setting("http_read_timeout", "ATLAS_HTTP_READ_TIMEOUT", "60",
            "Read timeout in seconds: the longest gap between two bytes of an answer."),
    Setting("http_deadline", "ATLAS_HTTP_DEADLINE", "300",
            "Longest one request may take from connect to last byte, in seconds (a server dripping bytes "
            "never trips the read timeout)."),
    Setting("http_max_retry_after", "ATLAS_HTTP_MAX_RETRY_AFTER", "600",
            "Longest Retry-After (seconds) honoured by waiting; a longer one stops the run with a message."),
)
_BY_NAME = {s.name: s for s in LIVE_SETTINGS}


def get(name: str) -> str:
    setting = _BY_NAME[name]
    return os.environ.get(setting.env, setting.default)


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


def number(name: str, *, integer: bool = False, minimum: float = 0.0) -> float:
    """A numeric setting; a malformed one names its variable and the expected form (one-line CLI error)."""
    setting = _BY_NAME[name]
    raw = get(name).strip()
    try:
        value: float = int(raw) if integer else float(raw)
    except ValueError:
        kind = "a whole number" if integer else "a number of seconds"
        raise ConfigError(f"{setting.env}={raw!r} is not {kind} (default {setting.default}).") from None
    if not value >= minimum:  # also refuses nan
        raise ConfigError(f"{setting.env}={raw!r} must be at least {minimum:g} (default {setting.default}).")
    return value


def policy_for(cli_name: str) -> HttpPolicy:
    return HttpPolicy(
        min_interval=number(f"{cli_name}_min_interval"),
        connect_timeout=number("http_connect_timeout", minimum=0.001),
        read_timeout=number("http_read_timeout", minimum=0.001),
        deadline=number("http_deadline", minimum=0.001),
        attempts=int(number("http_attempts", integer=True, minimum=1)),
        backoff=number("http_backoff"),
        backoff_max=number("http_backoff_max"),
        max_retry_after=number("http_max_retry_after"),
    )


def base_url_for(cli_name: str, override: str | None = None) -> str:
    return (override or get(f"{cli_name}_base_url")).rstrip("/")


def api_key(source: str) -> str | None:
    env = API_KEY_ENV.get(source)
    value = os.environ.get(env, "").strip() if env else ""
    return value or None


def user_agent() -> str:
    contact = config.get("contact_email").strip()
    suffix = f"; mailto:{contact}" if contact else ""
    return f"mlsys-atlas/0.1 (MLSys Atlas knowledge graph{suffix})"


def ingest_dir() -> Path:
    """Raw responses, checkpoints and quarantine files of the live ingestors (beside the store)."""
    path = config.data_dir() / "ingest"
    path.mkdir(parents=True, exist_ok=True)
    return path
