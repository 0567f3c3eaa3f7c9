"""Demo seed (placeholder)."""

from typing import Any


def seed_demo(session: Any, context: Any) -> None:
    """Placeholder."""
