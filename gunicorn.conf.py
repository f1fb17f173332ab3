"""gunicorn settings read from the project folder (`gunicorn wsgi:app`)."""

import gc


def post_worker_init(worker):  # noqa: ARG001 (gunicorn's hook signature)
    """Move the loaded app's long-lived objects out of the garbage collector's sight.

    Every request allocates many short-lived objects; each full collection would otherwise
    rescan the ~100k objects of the app itself (tens of ms, the p95 tail of list pages).
    """
    gc.freeze()
