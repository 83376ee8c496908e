"""Measurements too long for `make test`; run with `make bench` (figures: docs/performance.md)."""
