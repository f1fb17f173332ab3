"""The store contact card, on the store page and on each of today's visits: phone, managers,
directions, and today's posted and real hours in the store's zone; shown only to those who
may see the store."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import partial

import pytest

from fieldops.core.errors import NotFound
from fieldops.extensions import db
from fieldops.hours.models import HoursBasis, RealHours
from fieldops.pages.contact import contact_card
from fieldops.visits.models import VisitStatus

pytestmark = pytest.mark.usefixtures("now")  # Wednesday 4 March 2026, 09:00 in Chicago

DIRECTIONS = "https://www.google.com/maps/dir/?api=1&amp;destination="


def learn(app, store, weekday: int, span: tuple[time, time] | None) -> None:
    with app.app_context():
        db.session.add(
            RealHours(
                store_id=store.id,
                weekday=weekday,
                opens=span[0] if span else None,
                closes=span[1] if span else None,
                sample_days=8,
                confidence=0.8,
                basis=HoursBasis.OBSERVED,
            )
        )
        db.session.commit()


@pytest.fixture
def shop(app, build):
    """A mapped Chicago store with a phone, two managers (and a deactivated one), and real
    hours learned for Wednesdays."""
    store = build.store(
        name="Loop Honda",
        phone="+1 (312) 555-0142",
        address="1200 S Michigan Ave, Chicago, IL 60605",
        latitude=41.8665,
        longitude=-87.6243,
    )
    manager = partial(build.user, "manager", stores=[store])
    manager(name="Rosa Reyes", email="rosa@example.test", phone="312.555.0199")
    manager(name="Sam Stone", email="sam@example.test")
    manager(name="Gone Away", email="gone@example.test", active=False)
    learn(app, store, 2, (time(9, 15), time(21, 30)))
    return store


def card_of(page: str) -> str:
    """The card's HTML: from its first line to the end of its list."""
    start = page.index('class="facts contact"')
    return page[start : page.index("</dl>", start)]


def test_the_store_page_shows_whom_to_call_how_to_get_there_and_todays_hours(
    shop, browser_as_engineer
):
    card = card_of(browser_as_engineer.get(f"/stores/{shop.id}").get_data(as_text=True))
    assert '<a href="tel:+13125550142">+1 (312) 555-0142</a>' in card
    assert "Rosa Reyes" in card and '<a href="tel:3125550199">312.555.0199</a>' in card
    assert '<a href="mailto:rosa@example.test">' in card and "mailto:sam@example.test" in card
    assert "Sam Stone" in card and "Gone Away" not in card  # a deactivated manager is left out
    assert card.count("tel:") == 2  # Sam has no phone: no empty link
    assert f'href="{DIRECTIONS}41.8665,-87.6243"' in card
    assert "1200 S Michigan Ave, Chicago, IL 60605" in card
    assert "09:00–20:00" in card and "Wed 04 Mar, CST" in card  # posted Mon-Sat 09-20
    assert "09:15–21:30" in card and "usual on Wednesdays, 80% sure" in card


def test_an_empty_store_says_what_it_lacks(build, browser_as_engineer):
    store = build.store(
        name="Bare Kia",
        latitude=None,
        longitude=None,
        hours=[(d, time(9), time(20)) for d in (0, 1, 3, 4)],  # closed on Wednesdays
    )
    card = card_of(browser_as_engineer.get(f"/stores/{store.id}").get_data(as_text=True))
    for said in ("No phone number", "No address", "No manager", "closed", "Not learned yet"):
        assert said in card, said
    assert "tel:" not in card and "mailto:" not in card and "Directions" not in card


def test_without_coordinates_the_directions_go_to_the_address(build, browser_as_engineer):
    store = build.store(address="5 Elm St #2, Oak Park, IL", latitude=None, longitude=None)
    card = card_of(browser_as_engineer.get(f"/stores/{store.id}").get_data(as_text=True))
    assert f'href="{DIRECTIONS}5%20Elm%20St%20%232%2C%20Oak%20Park%2C%20IL"' in card


@pytest.mark.parametrize(
    ("exception", "said"),
    [
        ({"closed": True, "note": "Inventory day"}, "<strong>closed</strong>"),
        ({"opens": time(10), "closes": time(14), "note": "Staff training"}, "10:00–14:00"),
    ],
)
def test_a_dated_exception_today_is_what_the_card_posts(
    app, build, browser_as_engineer, exception, said
):
    store = build.store(exceptions=[{"date": date(2026, 3, 4), **exception}])
    learn(app, store, 2, None)  # customers stay away on Wednesdays
    card = card_of(browser_as_engineer.get(f"/stores/{store.id}").get_data(as_text=True))
    assert said in card and exception["note"] in card and "09:00–20:00" not in card
    assert "no customers" in card


def test_today_is_the_stores_own_day(app, build, browser_as_engineer):
    # 15:00 UTC on Wednesday is already midnight on Thursday in Tokyo.
    store = build.store(
        timezone="Asia/Tokyo", hours=[(2, time(9), time(20)), (3, time(10), time(1, 30))]
    )
    learn(app, store, 3, (time(10, 30), time(2)))
    card = card_of(browser_as_engineer.get(f"/stores/{store.id}").get_data(as_text=True))
    assert "Thu 05 Mar, JST" in card and "usual on Thursdays" in card
    assert "10:00–01:30 <span" in card and "10:30–02:00 <span" in card and "+1 day" in card
    assert "09:00–20:00" not in card


def test_each_visit_on_today_has_its_stores_card(shop, world, build, browser_as_engineer):
    bare = build.store(name="Bare Kia", latitude=None, longitude=None)
    called_off = build.store(name="Called Off Mazda", phone="312 555 0177")
    build.visit(shop, world.engineer, datetime(2026, 3, 4, 16, tzinfo=UTC))
    build.visit(bare, world.engineer, datetime(2026, 3, 4, 19, tzinfo=UTC))
    cancelled = datetime(2026, 3, 4, 21, tzinfo=UTC)
    build.visit(called_off, world.engineer, cancelled, status=VisitStatus.CANCELLED)
    build.visit(shop, world.engineer, datetime(2026, 3, 5, 16, tzinfo=UTC))  # tomorrow
    page = browser_as_engineer.get("/today").get_data(as_text=True)
    assert page.count("Contact, directions and today's hours") == 2  # not cancelled, today
    shop_card = card_of(page)
    assert "tel:+13125550142" in shop_card and "mailto:rosa@example.test" in shop_card
    assert f"{DIRECTIONS}41.8665,-87.6243" in shop_card
    assert "09:00–20:00" in shop_card and "09:15–21:30" in shop_card
    bare_card = card_of(page[page.index("Bare Kia") :])
    assert "No phone number" in bare_card and "Not learned yet" in bare_card
    assert "tel:+13125550177" not in page


def test_a_manager_sees_the_card_of_their_store_only(world, build, browser_as_manager):
    other = world.other_store
    build.user("manager", stores=[other], email="max.private@example.test", phone="312 555 0111")
    mine = browser_as_manager.get(f"/stores/{world.store.id}").get_data(as_text=True)
    assert "mailto:" in card_of(mine) and "max.private" not in mine
    refused = browser_as_manager.get(f"/stores/{other.id}")
    assert refused.status_code == 404
    body = refused.get_data(as_text=True)
    assert "max.private" not in body and "tel:" not in body


def test_the_card_is_refused_for_a_store_the_user_may_not_see(ctx, world):
    world.made("manager", "other_store")
    with pytest.raises(NotFound):
        contact_card(world.other_store.id, world.manager, datetime(2026, 3, 4, 15, tzinfo=UTC))
