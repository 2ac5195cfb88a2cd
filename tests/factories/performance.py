"""Factories of this app's models (exported through tests/factories/__init__.py)."""

__all__: list[str] = []
