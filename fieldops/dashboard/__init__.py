"""The CIO dashboard's figures, shown at /overview by fieldops/pages/overview.py.

Read from the latest nightly coverage snapshot (figures, visits_due), drawn as server-side
SVG (heatmap, trend), with open issues (open_issues). Before the first snapshot the page
counts visit cadence live, by coverage's one rule (`fieldops.coverage.visit_cadence`); the
CIO's own visits against the leadership cadence are always counted live (leadership).

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.dashboard.figures import (
    HEATMAP_STORES,
    LIST_LENGTH,
    Scope,
    StoreSnapshot,
    active_store_count,
    by_region,
    coverage_trend,
    headline,
    largest_gaps,
    lowest_coverage,
    open_alerts,
    scope,
)
from fieldops.dashboard.heatmap import Cell, Heatmap, Line, day_cells, draw_heatmap
from fieldops.dashboard.leadership import Leadership, LeadershipLine, leadership_due
from fieldops.dashboard.open_issues import open_issue_counts
from fieldops.dashboard.service_levels import (
    Attainment,
    NearBreach,
    Tally,
    attainment,
    nearest_to_breach,
)
from fieldops.dashboard.trend import trend_chart
from fieldops.dashboard.visits_due import VisitDue, due_soon, overdue_visits, visits_of
