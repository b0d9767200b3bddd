"""Reporting: the dbt marts, the HTML page and file exports over a loaded warehouse; a run's summary and its Prefect artifacts."""
