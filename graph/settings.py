"""The one registry of settings: every ATLAS_* (and NEO4J_*, API-key) variable, typed and validated.

Why one registry on `pydantic-settings`: the graph layer and the live ingestors used to read
the environment by hand in two places, each parsing numbers its own way. Here every
setting has one name, one default, one help text (the README table is checked against it,
tests/test_docs.py) and one validation, and a `.env` file in the working directory is read
too. Precedence: an environment variable, else the `.env` file, else the default.

A malformed value becomes a `ConfigError` that names the variable and the form it expects
(one line on the command line, exit 2; a message in the explorer). Credentials are
`SecretStr`: they never appear in a `repr`, a log or an error message.

Importing this module costs pydantic (~0.3 s), so `graph.config` imports it only when a
setting is first read; `mlsys-atlas --help` never pays for it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Run from a checkout, data lives beside the code (`.atlas/`); installed from a wheel, the
# package sits in site-packages, where nothing should be written: the user's data directory.
IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file()


def default_data_dir() -> Path:
    if IN_CHECKOUT:
        return PROJECT_ROOT / ".atlas"
    import platformdirs

    return platformdirs.user_data_path("mlsys-atlas")
ENV_FILE = ".env"  # read from the working directory
PREFIX = "ATLAS_"

Seconds = Annotated[float, Field(ge=0)]  # ge also refuses nan
PositiveSeconds = Annotated[float, Field(ge=0.001)]


def _env(name: str) -> Any:
    """A field read from a variable whose name does not follow ATLAS_<FIELD> (kept from older versions)."""
    return AliasChoices(name)


class AtlasSettings(BaseSettings):
    """Every setting of MLSys Atlas. Field descriptions are the help texts the README documents."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, env_file=ENV_FILE, env_file_encoding="utf-8",
                                      extra="ignore", env_ignore_empty=True, frozen=True,
                                      hide_input_in_errors=True)

    # ---- where things live
    data_dir: Path = Field(default_factory=default_data_dir,
                           description="Where the embedded store keeps its socket, database file and build reports.")
    snapshot_dir: Path = Field(PROJECT_ROOT / "data" / "snapshot",
                               description="The bundled offline snapshot that `mlsys-atlas build` reads.")
    graph_name: str = Field("atlas", validation_alias=_env("ATLAS_GRAPH"),
                            description="Name of the graph key inside the store.")
    store: Literal["embedded", "neo4j"] = Field("embedded",
                                                description="`embedded` (FalkorDB child process) or `neo4j`.")
    enable_query_console: bool = Field(False, validation_alias=_env("ATLAS_QUERY_CONSOLE"),
                                       description="Show the read-only Cypher console page in the explorer "
                                                   "(1 to enable).")
    contact_email: str = Field("", description="Contact address sent in the User-Agent of live API requests "
                                               "(polite pools).")
    admin_token: SecretStr | None = Field(None, description="Token that unlocks the explorer's data-changing "
                                                            "actions (never shown).")
    build_cache: bool = Field(True, description="0 turns off the on-disk analytics cache of a build (benchmarks "
                                                "measure the cold path with it).")
    build_workers: int = Field(2, ge=1, le=2, description="Processes a cold build uses: 2 tags topics in a forked "
                                                          "worker while this process resolves people (same rows); "
                                                          "1 runs every stage in this process.")
    build_lock_wait: Seconds = Field(900, description="Seconds a build or ingest waits for another one on the "
                                                      "same data directory before giving up.")
    preload: bool = Field(True, description="0 leaves the analytics and search indexes to the first visits instead of "
                                            "loading them in the background as the server starts (`make run`).")
    dask: str = Field("", pattern=r"^(|local|local:[1-9][0-9]*|(tcp|tls|ws|wss)://\S+)$",
                      description="Tag the build's papers and score its candidate author pairs on Dask: `local` "
                                  "(2 worker processes), `local:N`, or a scheduler address such as "
                                  "`tcp://host:8786`; empty does both on this machine. Same tags and people either "
                                  "way (needs the `scale` extra).")

    # ---- limits the embedded FalkorDB server enforces on every query (issue 17)
    query_timeout_max_ms: int = Field(300000, ge=1000, description="Longest any query may run on the embedded "
                                                                   "store (FalkorDB TIMEOUT_MAX), in milliseconds.")
    query_timeout_default_ms: int = Field(120000, ge=1000,
                                          description="Timeout of a query that names none, writes included "
                                                      "(FalkorDB TIMEOUT_DEFAULT), in milliseconds.")
    query_max_rows: int = Field(2000000, ge=1000, description="Most rows any query may return (FalkorDB "
                                                              "RESULTSET_SIZE); the largest named query returns "
                                                              "~250k.")
    store_reply_timeout: PositiveSeconds = Field(
        600, description="Seconds the embedded store may take to answer one command. Past it, a server that does not "
                         "answer PING either is hung (a FalkorDB engine deadlock, FalkorDB issue #2129): it is stopped "
                         "and restarted from its last save; a build or ingest then runs once more by itself, any other "
                         "command fails with a clear error instead of waiting forever. Keep it above the longest "
                         "query (query_timeout_max_ms).")
    query_memory_mb: int = Field(2048, ge=64, description="Most memory one query may use on the embedded store "
                                                          "(FalkorDB QUERY_MEM_CAPACITY), in MiB.")

    # ---- live ingestors: one base URL and one politeness interval per source (ATLAS_<SOURCE>_...)
    dblp_base_url: str = Field("https://dblp.org", description="Base URL of the dblp API.")
    openalex_base_url: str = Field("https://api.openalex.org", description="Base URL of the openalex API.")
    semantic_scholar_base_url: str = Field("https://api.semanticscholar.org",
                                           description="Base URL of the semantic-scholar API.")
    arxiv_base_url: str = Field("https://export.arxiv.org", description="Base URL of the arxiv API.")
    openreview_base_url: str = Field("https://api2.openreview.net", description="Base URL of the openreview API.")
    dblp_min_interval: Seconds = Field(1.5, description="Minimum seconds between two requests to the dblp host.")
    openalex_min_interval: Seconds = Field(0.1, description="Minimum seconds between two requests to the "
                                                            "openalex host.")
    semantic_scholar_min_interval: Seconds = Field(1.0, description="Minimum seconds between two requests to the "
                                                                    "semantic-scholar host.")
    arxiv_min_interval: Seconds = Field(3.0, description="Minimum seconds between two requests to the arxiv host.")
    openreview_min_interval: Seconds = Field(3.0, description="Minimum seconds between two requests to the "
                                                              "openreview host.")
    http_backoff: Seconds = Field(1.0, description="First retry wait in seconds (doubles, with jitter).")
    http_backoff_max: Seconds = Field(60, description="Longest wait between two retries in seconds.")
    http_attempts: int = Field(6, ge=1, description="Attempts per request before giving up with an error.")
    http_connect_timeout: PositiveSeconds = Field(10, description="Connect timeout in seconds.")
    http_read_timeout: PositiveSeconds = Field(60, description="Read timeout in seconds: the longest gap between "
                                                               "two bytes of an answer.")
    http_deadline: PositiveSeconds = Field(300, description="Longest one request may take from connect to last "
                                                            "byte, in seconds (a server dripping bytes never trips "
                                                            "the read timeout).")
    http_max_retry_after: Seconds = Field(600, description="Longest Retry-After (seconds) honoured by waiting; a "
                                                           "longer one stops the run with a message.")
    openalex_api_key: SecretStr | None = Field(None, validation_alias=_env("OPENALEX_API_KEY"),
                                               description="OpenAlex API key (never logged or stored).")
    s2_api_key: SecretStr | None = Field(None, validation_alias=_env("S2_API_KEY"),
                                         description="Semantic Scholar API key (never logged or stored).")

    # ---- the Neo4j store (ATLAS_STORE=neo4j); Streamlit secrets fill what these leave unset
    neo4j_uri: str | None = Field(None, validation_alias=_env("NEO4J_URI"), description="The Neo4j server.")
    neo4j_username: str | None = Field(None, validation_alias=_env("NEO4J_USERNAME"), description="Neo4j user.")
    neo4j_password: SecretStr | None = Field(None, validation_alias=_env("NEO4J_PASSWORD"),
                                             description="Neo4j password (never shown).")
    neo4j_database: str | None = Field(None, validation_alias=_env("NEO4J_DATABASE"),
                                       description="Neo4j database (default: the user's home database).")
    neo4j_batch_size: int | None = Field(None, ge=1, validation_alias=_env("NEO4J_BATCH_SIZE"),
                                         description="Rows per Neo4j write transaction (default 2,000).")

    @field_validator("store", mode="before")
    @classmethod
    def _fold_store(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    def neo4j_environ(self) -> dict[str, str]:
        """The NEO4J_* values as the environment would hold them (for `Neo4jSettings.from_sources`)."""
        values = {"NEO4J_URI": self.neo4j_uri, "NEO4J_USERNAME": self.neo4j_username,
                  "NEO4J_PASSWORD": self.neo4j_password.get_secret_value() if self.neo4j_password else None,
                  "NEO4J_DATABASE": self.neo4j_database,
                  "NEO4J_BATCH_SIZE": str(self.neo4j_batch_size) if self.neo4j_batch_size else None}
        return {k: v for k, v in values.items() if v}


def env_name(name: str) -> str:
    """The variable that sets field `name`."""
    alias = AtlasSettings.model_fields[name].validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return PREFIX + name.upper()


def default_text(field: FieldInfo) -> str:
    default = field.get_default()
    if default is None:
        return ""
    if isinstance(default, bool):
        return "1" if default else "0"
    return f"{default:g}" if isinstance(default, float) else str(default)


def expected_form(field: FieldInfo) -> str:
    """What a value must look like, in words, for error messages."""
    annotation = field.annotation
    if get_origin(annotation) is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(annotation))
    args = [a for a in get_args(annotation) if a is not type(None)] or [annotation]
    kind = args[0]
    form = {int: "a whole number", float: "a number", bool: "1 or 0 (true/false, yes/no, on/off)",
            Path: "a path", SecretStr: "text"}.get(kind, "text")
    for meta in field.metadata:
        if getattr(meta, "ge", None) is not None:
            form += f" of at least {meta.ge:g}"
    return form


def _message(error: dict[str, Any]) -> str:
    loc = str(error["loc"][0]) if error.get("loc") else ""
    name = next((n for n in AtlasSettings.model_fields if n == loc or env_name(n).lower() == loc.lower()), None)
    if name is None:
        return f"{loc}: {error['msg']}"
    field = AtlasSettings.model_fields[name]
    env = env_name(name)
    secret = SecretStr in get_args(field.annotation) or field.annotation is SecretStr
    raw = os.environ.get(env)
    shown = "" if secret or raw is None else f"={raw.strip()!r}"
    default = default_text(field)
    return (f"{env}{shown} is not {expected_form(field)}"
            f"{f' (default {default})' if default else ''}; fix it in the environment or in {ENV_FILE}.")


def load() -> AtlasSettings:
    """Read the registry now (environment, then `.env`, then defaults); a bad value is a `ConfigError`."""
    try:
        return AtlasSettings()
    except ValidationError as exc:
        raise ConfigError(" ".join(_message(e) for e in exc.errors(include_input=False))) from None
