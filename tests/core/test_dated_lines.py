"""The text box of dated exceptions, shared by the store form ("closed") and the shift form
("off"): what each kind of line reads as."""

from __future__ import annotations

from datetime import date, time

from fieldops.core.forms import dated_lines, parse_dated_lines

TIMES = ("opens", "closes")


def test_a_closed_day_and_special_hours_read_with_their_notes():
    text = "2026-12-25 closed Christmas\n\n2026-12-31 9:00 - 17:00 New Year's Eve\n"
    assert parse_dated_lines(text, "closed", TIMES) == [
        {"date": "2026-12-25", "note": "Christmas", "closed": True},
        {"date": "2026-12-31", "note": "New Year's Eve", "opens": "09:00", "closes": "17:00"},
    ]


def test_the_word_must_stand_alone():
    # "closedXmas" is no closed day with a note "Xmas": the line is handed to the schema
    # as unreadable, which names it (the shift form's "off" always worked this way).
    assert parse_dated_lines("2026-12-25 closedXmas", "closed", TIMES) == [
        {"date": "2026-12-25", "opens": "?"}
    ]


def test_the_text_box_reads_back_what_it_shows():
    entries = [
        (date(2026, 12, 25), None, "Christmas"),
        (date(2026, 12, 31), (time(9), time(17)), None),
    ]
    text = dated_lines(entries, "off")
    assert text == "2026-12-25 off Christmas\n2026-12-31 09:00-17:00"
    assert parse_dated_lines(text, "off", ("start", "end")) == [
        {"date": "2026-12-25", "note": "Christmas", "off": True},
        {"date": "2026-12-31", "note": None, "start": "09:00", "end": "17:00"},
    ]
