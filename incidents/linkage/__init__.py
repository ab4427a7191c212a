"""Record linkage: comparing incidents and victims across datasets and sources (issue 16)."""
