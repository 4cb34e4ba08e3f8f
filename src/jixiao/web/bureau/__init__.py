"""The finance bureau's administration: yearly tasks, units and users, exemptions and extensions, progress."""
