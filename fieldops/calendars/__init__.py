"""Calendar feeds: each user's visits as an iCalendar (RFC 5545) feed at a secret address
that calendar apps subscribe to.

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.calendars.feed import feed_of, visits_in_feed
