"""The installable, offline-first shell: the service worker, the offline page, the outbox page.

See docs/offline.md. The outbox itself lives in the browser (static/js/outbox.js); the
server side of syncing it is POST /api/sync (fieldops/sync).
"""
