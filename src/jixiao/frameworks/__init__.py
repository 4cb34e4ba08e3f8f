"""Scoring tables and evaluations as data: YAML reading, validation, built-in tables."""
