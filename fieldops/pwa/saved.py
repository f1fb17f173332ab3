"""The pages the service worker saves on the phone, as patterns made from the app's routes.

The worker saves a page (one the user opens, or one the Today page lists) only when its
path matches one of these patterns. They are generated from the URL rules of the endpoints
below, so a route that changes its path cannot leave the worker matching the old one.
"""

from __future__ import annotations

import re

from flask import Flask

# The pages worth having on site without a network, in the order the worker tries them.
SAVED_ENDPOINTS = (
    "auth.home",
    "visit_pages.today",
    "store_pages.my_store",
    "visit_pages.detail",
    "store_pages.detail",
    "observations.new",
    "issues.index",
    "issues.new",
    "issues.detail",
    "pwa.outbox",
)

_VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_JS_SPECIAL = re.compile(r"[.*+?^${}()|[\]\\]")


def _literal(text: str) -> str:
    return _JS_SPECIAL.sub(lambda found: "\\" + found[0], text)


def rule_pattern(rule: str, converters: dict[str, type]) -> str:
    """A URL rule ("/visits/<int:visit_id>") as the source of a JavaScript RegExp matching
    its paths ("^/visits/\\d+$"); each variable matches what its converter accepts."""
    parts, end = ["^"], 0
    for variable in _VARIABLE.finditer(rule):
        parts.append(_literal(rule[end : variable.start()]))
        parts.append(converters[variable["converter"] or "default"].regex)
        end = variable.end()
    parts += [_literal(rule[end:]), "$"]
    return "".join(parts)


def saved_page_patterns(app: Flask) -> list[str]:
    """The RegExp sources of the pages the service worker saves, from the app's GET rules."""
    rules: dict[str, list[str]] = {endpoint: [] for endpoint in SAVED_ENDPOINTS}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in rules and "GET" in (rule.methods or ()):
            rules[rule.endpoint].append(rule.rule)
    missing = [endpoint for endpoint, found in rules.items() if not found]
    if missing:
        raise LookupError(f"no GET route for the saved pages {missing}")
    converters = app.url_map.converters
    return [rule_pattern(rule, converters) for found in rules.values() for rule in found]
