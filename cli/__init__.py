"""The `gazette` command line: typer commands over the pipeline (flows/), the warehouse and the reports."""
