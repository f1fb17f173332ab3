"""Benchmarks over HTTP: a large cached SQLite data set, gunicorn, and a small load client.

`make bench` runs `python -m bench.run`, which writes docs/benchmarks.md. Real customer
hours: evidence.py (cached signals and daily presence), batches.py and ingest.py (signals
over HTTP), recompute.py (in-process). Coverage: shifts.py (the support shifts built with
the data set), history.py (each run's coverage snapshot by the app's nightly job, and 12
weeks of history before it), coverage.py (coverage computed live in-process and over
HTTP; the dashboard's checks). Large image uploads: uploads.py (worker memory and the
writes racing them; `python -m bench.uploads` runs only these). `python -m bench.profiling
ingest|recompute|coverage|overview` shows where their time goes.
"""
