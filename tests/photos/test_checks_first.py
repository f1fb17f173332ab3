"""An upload the uploader may not make, or has made already, is answered before its image
is decoded: a refusal names the record, not the file, and a retry costs no decode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

import pytest

from fieldops.photos import services
from fieldops.photos.models import Photo
from tests.helpers import count, errors_of, image_bytes, new_client_id
from tests.photos.test_api import upload

NOT_AN_IMAGE = b"not an image at all\n" * 20

pytestmark = pytest.mark.usefixtures("now")  # time frozen before the world is built


@pytest.fixture
def forbid_decoding(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """forbid_decoding(): from then on, decoding an image fails the test."""

    def fail(*_args: Any) -> NoReturn:
        raise AssertionError("an image was decoded")

    return lambda: monkeypatch.setattr(services, "clean", fail)


def test_a_visit_not_theirs_is_403_whatever_the_file(
    app, world, build, as_other_engineer, forbid_decoding
):
    store, owner = world.store, world.engineer
    observation = build.observation(store, owner, visit=build.visit(store, owner))
    forbid_decoding()
    r = upload(as_other_engineer, NOT_AN_IMAGE, observation_id=observation.id)
    assert r.status_code == 403, r.get_json()
    assert list(errors_of(r)) == ["observation_id"]
    assert count(app, Photo) == 0


def test_a_record_of_another_store_is_404_whatever_the_file(
    app, observation, issue, as_other_manager, forbid_decoding
):
    stranger = as_other_manager
    forbid_decoding()
    for target in ({"observation_id": observation.id}, {"issue_id": issue.id}):
        r = upload(stranger, NOT_AN_IMAGE, **target)
        assert r.status_code == 404, r.get_json()
        assert list(errors_of(r)) == list(target)
    assert count(app, Photo) == 0


def test_a_retried_upload_answers_the_first_without_decoding(
    app, issue, as_engineer, forbid_decoding
):
    client_id = new_client_id()
    target = {"client_id": client_id, "issue_id": issue.id}
    first = upload(as_engineer, image_bytes("PNG"), **target)
    assert first.status_code == 201
    forbid_decoding()
    again = upload(as_engineer, image_bytes("PNG"), **target)
    assert again.status_code == 200 and again.get_json() == first.get_json()
    assert count(app, Photo) == 1
