"""Benchmarks over HTTP: a large cached SQLite data set, gunicorn, and a small load client.

`make bench` runs `python -m bench.run`, which writes docs/benchmarks.md. Real customer
hours: evidence.py (cached signals and daily presence), batches.py and ingest.py (signals
over HTTP), recompute.py (in-process); `python -m bench.profiling ingest|recompute` shows
where their time goes.
"""
