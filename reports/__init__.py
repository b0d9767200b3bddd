"""Reporting over a loaded warehouse: the dbt marts, the HTML page, file exports and the Prefect artifacts of a run."""
