"""One root error with specific subclasses; messages say how to fix the problem."""


class AtlasError(Exception):
    """Root of every error MLSys Atlas raises on purpose."""


class StoreUnavailableError(AtlasError):
    """The graph store cannot be reached or started."""


class GraphNotBuiltError(AtlasError):
    """The store is up but holds no graph yet."""

    def __init__(self, graph: str) -> None:
        super().__init__(f"No graph named {graph!r} in the store yet. Run `mlsys-atlas build` first.")


class ReadOnlyQueryError(AtlasError):
    """A free-form query tried to write, or the database refused it as a write."""


class ConfigError(AtlasError):
    """A setting is missing or malformed."""
