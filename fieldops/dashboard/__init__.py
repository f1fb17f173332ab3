"""The CIO dashboard's figures (served at /overview by fieldops/pages/overview.py).

Read from the latest nightly coverage snapshot (figures, visits_due), drawn as server-side
SVG (heatmap, trend), with open issues (open_issues); before the first snapshot, visit
cadence is counted live by coverage's one rule (fieldops.coverage.services.visit_cadence).
`overview` gathers all of it for the page's template.

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.dashboard.context import overview
