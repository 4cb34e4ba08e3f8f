"""The pure domain: models, numbers, expressions, rules and the scoring engine (stdlib only)."""
