"""The prompt log: a retained, encrypted record of every exchange (SQLite or PostgreSQL)."""
