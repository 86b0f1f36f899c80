"""Community analytics for members and organizers, computed in networkx on store projections.

Every analysis takes a `Projection` (see `projections.projection`) - the co-author graph
and per-author topic/venue/institution tallies of one store and year range, read once and
cached - and returns plain dataclasses or lists of dicts, so the Streamlit pages, the CLI
and the organizer notebook render and export the same answers.
"""

from graph.analytics.projections import GraphData, Projection, clear_cache, projection, read_graph_data

__all__ = ["GraphData", "Projection", "clear_cache", "projection", "read_graph_data"]
