"""The REST API: the same services and selectors as the pages, JSON in and out."""
