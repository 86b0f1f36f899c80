"""One small reader per raw format of the bundled snapshot."""
