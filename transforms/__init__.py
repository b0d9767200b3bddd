"""Pure Polars transforms: frames in, frames out. No Prefect, DuckDB or file I/O here."""

PIPELINE_VERSION = "0.1.0"
