"""Tests of the live ingestors against a replay server on 127.0.0.1 (no network)."""
