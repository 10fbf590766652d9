"""paperlake: Dagster-free domain logic (parsing, identity, tagging, extraction, Delta I/O)."""

__version__ = "0.1.0"
