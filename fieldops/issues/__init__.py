"""Issues filed at a store: filing, commenting, triage.

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.issues.escalation import escalate
from fieldops.issues.models import (
    Issue,
    IssueCategory,
    IssueComment,
    IssueEvent,
    IssueStatus,
    Severity,
)
from fieldops.issues.schemas import (
    CommentCreateSchema,
    IssueCreateSchema,
    IssueListArgsSchema,
    IssueUpdateSchema,
)
from fieldops.issues.service_levels import (
    SlaView,
    cache_missing,
    sla_payload,
    sla_view,
    sla_views,
)
from fieldops.issues.services import (
    OPEN_STATUSES,
    add_comment,
    check_triage_rights,
    file_issue,
    issues_page,
    newest_open_issue_ids,
    open_issues,
    update_issue,
    visible_issue,
)
