"""One module per live API: which requests to make and how to parse what comes back."""
