"""The observation form: it names the bad field, and a store id out of range is not found."""

from __future__ import annotations

INT_MAX = 2**31 - 1  # the largest value of an integer column


def test_observation_form_names_the_bad_field(world, browser_as_engineer):
    b = browser_as_engineer
    url = f"/observations/new?store_id={world.store.id}&category=wifi"
    assert b.get(url).status_code == 200
    r = b.submit(url, {"zone": "Showroom", "rssi_dbm": "-150"})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "Signal (dBm) must be between \u2212120 and 0." in page
    assert "fields.rssi_dbm" not in page  # in words, never the field's path
    r = b.submit(url, {"zone": "Showroom", "rssi_dbm": "-67", "download_mbps": "48.5"})
    assert r.status_code == 302


def test_an_id_beyond_an_integer_column_in_a_page_query_is_not_found(browser_as_admin):
    assert browser_as_admin.get(f"/observations/new?store_id={INT_MAX + 1}").status_code == 404
