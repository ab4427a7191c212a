"""Record linkage: which records in two sets are the same event or person, scored, reviewed, every decision kept (issue 16)."""
