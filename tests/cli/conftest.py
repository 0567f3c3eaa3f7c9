"""Fixtures of the command-line tests: empty databases come from the issuer's tests."""

from tests.issuer.conftest import empty_database_url  # noqa: F401 (a fixture)
