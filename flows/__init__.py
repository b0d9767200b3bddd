"""Prefect flows, their tasks and the `gazette` command line."""
