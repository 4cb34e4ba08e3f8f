"""Reading submitted reports: readers, Chinese numbers, extraction and reviewers' checks."""
