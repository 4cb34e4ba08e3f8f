"""Filing: yearly tasks, submissions and their immutable versions, transitions, comments, publication."""
