"""The Prefect pipeline: the ingest flow, its tasks, the batch steps, runners, staging and settings."""
