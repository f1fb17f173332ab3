"""Benchmarks over HTTP: a large cached SQLite data set, gunicorn, and a small load client.

`make bench` runs `python -m bench.run`, which writes docs/benchmarks.md.
"""
