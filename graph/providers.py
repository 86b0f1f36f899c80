"""Services the graph layer uses but does not own, installed by whoever runs it.

Why: two analytics need a piece of the ingest pipeline — the PC audit tags submission
titles with the topic tagger (`ingest.topics`, spaCy), and the sector of an institution
known only by name comes from the organisation table (`ingest.institutions`). The graph
layer must never import ingest (tests/test_layering.py), so it names what it needs here
and the programs above both layers plug the implementations in: `atlas_cli.wiring.install()`,
called by the command line and by the explorer's `app.py`. Without an installed provider
the answer is a clear `ConfigError`, never a silent "no topics" or "unknown sector".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from graph.errors import ConfigError

# Topic labels for each title, tagged as papers submitted to `venue` (the tagger weighs evidence by venue).
TitleTagger = Callable[[list[str], str], list[list[str]]]
# The ROR-style type ("education", "company", ...) of the organisation a name resolves to, or None.
OrganisationTyper = Callable[[str], str | None]


@dataclass
class _Installed:
    title_tagger: TitleTagger | None = None
    organisation_typer: OrganisationTyper | None = None


_installed = _Installed()


def install(*, title_tagger: TitleTagger | None = None, organisation_typer: OrganisationTyper | None = None) -> None:
    """Plug implementations in (the ones given replace earlier ones; the others are kept)."""
    if title_tagger is not None:
        _installed.title_tagger = title_tagger
    if organisation_typer is not None:
        _installed.organisation_typer = organisation_typer


def _missing(what: str) -> ConfigError:
    return ConfigError(f"no {what} is installed in this program; run it through `mlsys-atlas` or the explorer, "
                       "or call atlas_cli.wiring.install() first.")


def title_tagger() -> TitleTagger:
    if _installed.title_tagger is None:
        raise _missing("topic tagger")
    return _installed.title_tagger


def organisation_typer() -> OrganisationTyper:
    if _installed.organisation_typer is None:
        raise _missing("organisation table")
    return _installed.organisation_typer
