"""The bureau's review: the review workspace, batch publication, audits of outside reports, the operation log."""
