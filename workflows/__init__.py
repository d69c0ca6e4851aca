"""Django apps: the runtime (definitions, instances, tasks, timers, audit), the org chart and process families."""
