"""Use cases shared by the CLI and (next) the web application."""
