"""MLSys Atlas graph layer: schema, stores and every query the explorer asks.

Nothing in this package imports Streamlit; pages render what these modules answer.
"""
