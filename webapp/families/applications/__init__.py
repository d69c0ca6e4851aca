"""事项办理 pages and API: the service-item catalogue."""
