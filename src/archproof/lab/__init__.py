"""The lab: a real local web tier (HAProxy, web app, Patroni/PostgreSQL, Redis Sentinel)."""
