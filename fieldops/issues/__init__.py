"""Issues filed at a store: filing, commenting, triage.

The front door: other packages import these names from `fieldops.issues`, never from its
modules (checked by `lint-imports`, see docs/architecture.md).
"""

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
from fieldops.issues.services import (
    OPEN_STATUSES,
    add_comment,
    check_triage_rights,
    file_issue,
    issue_query,
    issues_page,
    update_issue,
    visible_issue,
)

__all__ = [
    "CommentCreateSchema",
    "Issue",
    "IssueCategory",
    "IssueComment",
    "IssueCreateSchema",
    "IssueEvent",
    "IssueListArgsSchema",
    "IssueStatus",
    "IssueUpdateSchema",
    "OPEN_STATUSES",
    "Severity",
    "add_comment",
    "check_triage_rights",
    "file_issue",
    "issue_query",
    "issues_page",
    "update_issue",
    "visible_issue",
]
