"""Streamlit-only helpers shared by `app.py` and `pages/`: store access with caching,
URL-bound state, escaping for Streamlit markdown, shared widgets and the graph view.

Kept apart from `graph/` so nothing under `graph/` ever imports Streamlit.
"""
