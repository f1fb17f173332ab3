"""FieldOps: the application factory.

`create_app` wires extensions, blueprints, error handlers, commands and the features'
signals (docs/architecture.md). It never touches the database and never starts the
scheduler: migrations run with `flask db upgrade`.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Flask, Response
from sqlalchemy.orm import Session
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, ProductionConfig, check_evidence_ages, config_for
from fieldops.auth.api import blp as auth_api
from fieldops.auth.session import init_auth
from fieldops.auth.throttle import limit_posts_only
from fieldops.auth.tokens_api import blp as tokens_api
from fieldops.auth.views import blp as auth_views
from fieldops.calendars.routes import blp as calendar_feeds
from fieldops.cli import fieldops_cli
from fieldops.core.application import FieldOps
from fieldops.core.errors import register_error_handlers, show_conflicts_with
from fieldops.core.health import blp as health
from fieldops.core.input_checks import init_input_checks
from fieldops.core.openapi import api, spec_kwargs
from fieldops.core.security import init_security_headers
from fieldops.coverage import forget_flushed, forget_learned
from fieldops.coverage.api import blp as coverage_api
from fieldops.database import autocommit_reads, has_written, install_sqlite_hooks
from fieldops.extensions import csrf, db, limiter, login_manager, migrate
from fieldops.hours.api import blp as hours_api
from fieldops.hours.learning import hours_learned
from fieldops.hours.presence import refresh_day
from fieldops.hours.views import blp as hours_views
from fieldops.issues.api import blp as issues_api
from fieldops.issues.models import Issue
from fieldops.issues.schemas import IssueSchema
from fieldops.issues.service_levels import follow_hours, follow_policy
from fieldops.jobs.queue import refresh_coverage
from fieldops.jobs.runner import job_finished
from fieldops.notifications.api import blp as notifications_api
from fieldops.notifications.events import service_level_escalated
from fieldops.notifications.services import (
    deliver_committed,
    init_delivery,
    notification_created,
)
from fieldops.notifications.views import blp as notifications_views
from fieldops.observations.api import blp as observations_api
from fieldops.observations.services import hours_evidence
from fieldops.pages.alerts import blp as alert_pages
from fieldops.pages.exports import blp as export_pages
from fieldops.pages.issues import blp as issues_pages
from fieldops.pages.observations import blp as observation_pages
from fieldops.pages.overview import blp as overview_page
from fieldops.pages.store import blp as store_pages
from fieldops.pages.templating import init_templating
from fieldops.pages.visits import blp as visit_pages
from fieldops.photos.api import blp as photos_api
from fieldops.planner.api import blp as planner_api
from fieldops.planner.models import VisitPlan
from fieldops.planner.schemas import PlanSchema
from fieldops.planner.views import blp as planner_views
from fieldops.push.api import blp as push_api
from fieldops.push.services import push_notification
from fieldops.pwa.views import blp as pwa_views
from fieldops.shifts.api import blp as shifts_api
from fieldops.shifts.models import SupportShift
from fieldops.shifts.schemas import ShiftSchema
from fieldops.shifts.services import shift_changed
from fieldops.shifts.views import blp as shifts_views
from fieldops.sla.api import blp as sla_api
from fieldops.sla.escalation import sla_escalated
from fieldops.sla.services import policy_changed
from fieldops.sla.views import blp as sla_views
from fieldops.stores.api import blp as stores_api
from fieldops.stores.services import store_changed, zone_changed
from fieldops.stores.views import blp as stores_views
from fieldops.sync.api import blp as sync_api
from fieldops.users.api import blp as users_api
from fieldops.users.views import blp as users_views
from fieldops.visits.api import blp as visits_api
from fieldops.visits.models import Visit
from fieldops.visits.schemas import VisitSchema
from fieldops.visits.services import follow_store_zone, visit_completed
from fieldops.visits.views import blp as visits_views

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | None = None) -> Flask:
    config = config or config_for()
    if issubclass(config, ProductionConfig):
        config.check()
    app = FieldOps(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(Path(config.UPLOAD_FOLDER).parent),
    )
    app.config.from_object(config)
    check_evidence_ages(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    init_input_checks(app)  # first: its URL converter must exist before any rule is added
    register_proxies(app)
    register_conflict_schemas()  # before the API: its document lists them
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_hooks(app)
    register_commands(app)
    register_template_helpers(app)
    connect_features()
    return app


def register_proxies(app: Flask) -> None:
    """Trust X-Forwarded-For/-Proto only from the configured number of proxies: otherwise
    any client could pick the address its failed sign-ins are counted under."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def register_conflict_schemas() -> None:
    """How a record that changed under a request is shown in its 409's "current" (and in an
    offline sync's conflict): as reading it would answer. Every record a Conflict carries
    (the versioned ones) is here."""
    show_conflicts_with(
        {Visit: VisitSchema, Issue: IssueSchema, SupportShift: ShiftSchema, VisitPlan: PlanSchema}
    )


def register_extensions(app: Flask) -> None:
    install_sqlite_hooks()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    limit_posts_only(app)
    api.init_app(app, spec_kwargs=spec_kwargs())
    init_auth(app)


def register_blueprints(app: Flask) -> None:
    for blueprint in (
        auth_api,
        tokens_api,
        users_api,
        stores_api,
        hours_api,
        coverage_api,
        shifts_api,
        sync_api,
        visits_api,
        observations_api,
        photos_api,
        issues_api,
        sla_api,
        notifications_api,
        push_api,
        planner_api,
    ):
        api.register_blueprint(blueprint)
    for blueprint in (
        health,
        auth_views,
        users_views,
        stores_views,
        visits_views,
        store_pages,
        visit_pages,
        observation_pages,
        issues_pages,
        overview_page,
        alert_pages,
        export_pages,
        hours_views,
        shifts_views,
        sla_views,
        planner_views,
        notifications_views,
        pwa_views,
        calendar_feeds,
    ):
        app.register_blueprint(blueprint)


def connect_features() -> None:
    """The places where a change in one feature is another's business, and the lower
    feature may not import the higher one: a store's new zone moves its visits' local days;
    an `hours` observation is evidence for the learned hours; every flush that changes what a
    store's coverage depends on, and the learned-hours job, mark its cached coverage stale
    (fieldops.coverage.cache); a changed shift, store (its
    hours), learned hours or completed visit refreshes the coverage snapshots of the stores
    it touches (in the request, or queued when many: fieldops.jobs.queue); a store's new
    hours or a severity's new policy re-derive the service levels of its open issues
    (fieldops.issues.service_levels); an escalated service level notifies the people it
    names, and a job's notifications go out once its run is over; a notification, once
    committed, is pushed to its recipient's phones (fieldops.push). Connecting twice
    (one app per test) is harmless: a receiver is held once."""
    zone_changed.connect(follow_store_zone)
    hours_evidence.connect(refresh_day)
    for changed in (shift_changed, store_changed, hours_learned, visit_completed):
        changed.connect(refresh_coverage)
    for changed in (store_changed, hours_learned):
        changed.connect(follow_hours)
    hours_learned.connect(forget_learned)
    if not sa.event.contains(Session, "after_flush", forget_flushed):
        sa.event.listen(Session, "after_flush", forget_flushed)
    policy_changed.connect(follow_policy)
    sla_escalated.connect(service_level_escalated)
    job_finished.connect(deliver_after_job)
    notification_created.connect(push_notification)


def commit_unit_of_work(response: Response) -> Response:
    """One commit per request: services only flush. A 4xx/5xx answer commits nothing.

    A request whose session began no transaction and holds nothing to flush (/healthz, a
    request refused before any query) has nothing to end. One that only read (no pending
    change, and no statement but SELECTs, `has_written`, or it ran in autocommit, where
    nothing waits for a commit) closes its session: the same end for its transaction as
    a commit, without expiring every object it loaded.
    """
    session = db.session()  # the request's own, behind the scoped proxy
    pending = session.new or session.dirty or session.deleted
    if not session.in_transaction() and not pending:
        return response
    if response.status_code >= 400:
        session.rollback()
    elif pending or (not autocommit_reads.get() and has_written(session)):
        session.commit()
    else:
        session.close()  # a read: nothing to commit, and nothing it loaded need expire
    return response


def deliver_notifications(response: Response) -> Response:
    """After the commit, the mails of the notifications it kept go out, and the channels
    outside the database hear of them (fieldops.notifications.services)."""
    deliver_committed()
    return response


def deliver_after_job(app: Flask, **_: object) -> None:
    """A scheduler job's notifications, once its run has committed (or not)."""
    deliver_committed(app)


def register_hooks(app: Flask) -> None:
    # After-request functions run in reverse order: delivery after the commit.
    app.after_request(deliver_notifications)
    app.after_request(commit_unit_of_work)
    init_delivery()
    init_security_headers(app)


def register_commands(app: Flask) -> None:
    app.cli.add_command(fieldops_cli)


def register_template_helpers(app: Flask) -> None:
    init_templating(app)
