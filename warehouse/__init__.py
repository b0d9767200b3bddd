"""The DuckDB side: connections, migrations from sql/, and batch loads."""
