"""One root error with specific subclasses; messages say how to fix the problem.

`exit_code` is what the command line returns for the error: 2 for a usage problem
(bad argument, setting or input file: the user can fix the call), 1 for a runtime
problem (the store is down, a build is running, a server gave up).
"""


class AtlasError(Exception):
    """Root of every error MLSys Atlas raises on purpose."""

    exit_code = 2


class StoreUnavailableError(AtlasError):
    """The graph store cannot be reached or started."""

    exit_code = 1


class StoreHungError(StoreUnavailableError):
    """The embedded server answered nothing, not even PING, and was stopped (FalkorDB issue #2129)."""


class GraphNotBuiltError(AtlasError):
    """The store is up but holds no graph yet."""

    exit_code = 1

    def __init__(self, graph: str) -> None:
        super().__init__(f"No graph named {graph!r} in the store yet. Run `mlsys-atlas build` first.")


class ReadOnlyQueryError(AtlasError):
    """A free-form query tried to write, or the database refused it as a write."""


class ConfigError(AtlasError):
    """A setting is missing or malformed."""


class InputError(AtlasError):
    """An input file (or a value in it) cannot be used as given; the message names it."""


class BuildLockedError(AtlasError):
    """Another build or ingest holds the data directory."""

    exit_code = 1
