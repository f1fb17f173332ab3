"""A bare Flask app with one JSON route: the ceiling of any Flask request on this machine.

Served by gunicorn exactly as the app is (`gunicorn -w 2 bench.bare_app:app`, the same
gunicorn.conf.py), it is what bench/throughput.py compares /healthz with.
"""

from flask import Flask, Response, jsonify

app = Flask(__name__)
PATH = "/bare"


@app.get(PATH)
def bare() -> Response:
    return jsonify({"status": "ok"})
