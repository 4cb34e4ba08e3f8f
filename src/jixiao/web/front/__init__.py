"""Server-rendered pages (Bootstrap 5 + htmx 2, vendored) for units, the bureau and the public."""
