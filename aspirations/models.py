"""Residents' aspirations: filled in by the aspirations issue."""
