"""Where the demo dealership group has its stores: cities, time zones, regions, brands.

Counts per city add up to 82 dealerships. The first city is Chicago so that store D001,
managed by the demo manager, sits in the demo engineer's home zone.
"""

from __future__ import annotations

from typing import NamedTuple


class City(NamedTuple):
    name: str
    state: str
    zip_code: str
    latitude: float
    longitude: float
    timezone: str
    region: str
    stores: int


MIDWEST = "Midwest"
NORTHEAST = "Northeast"
SOUTHEAST = "Southeast"
SOUTH_CENTRAL = "South Central"
MOUNTAIN = "Mountain"
WEST = "West"

NY = "America/New_York"
CHI = "America/Chicago"
DEN = "America/Denver"
PHX = "America/Phoenix"
LA = "America/Los_Angeles"

CITIES: tuple[City, ...] = (
    City("Chicago", "IL", "60607", 41.8781, -87.6298, CHI, MIDWEST, 3),
    City("Naperville", "IL", "60563", 41.7508, -88.1535, CHI, MIDWEST, 1),
    City("Schaumburg", "IL", "60173", 42.0334, -88.0834, CHI, MIDWEST, 1),
    City("Milwaukee", "WI", "53214", 43.0389, -87.9065, CHI, MIDWEST, 2),
    City("Minneapolis", "MN", "55416", 44.9778, -93.2650, CHI, MIDWEST, 2),
    City("St. Louis", "MO", "63132", 38.6270, -90.1994, CHI, MIDWEST, 2),
    City("Kansas City", "MO", "64114", 39.0997, -94.5786, CHI, MIDWEST, 2),
    City("Omaha", "NE", "68144", 41.2565, -95.9345, CHI, MIDWEST, 1),
    City("Des Moines", "IA", "50322", 41.5868, -93.6250, CHI, MIDWEST, 1),
    City("Columbus", "OH", "43229", 39.9612, -82.9988, NY, MIDWEST, 2),
    City("Cleveland", "OH", "44130", 41.4993, -81.6944, NY, MIDWEST, 2),
    City("Cincinnati", "OH", "45246", 39.1031, -84.5120, NY, MIDWEST, 1),
    City("Boston", "MA", "02135", 42.3601, -71.0589, NY, NORTHEAST, 2),
    City("Hartford", "CT", "06108", 41.7658, -72.6734, NY, NORTHEAST, 1),
    City("Providence", "RI", "02909", 41.8240, -71.4128, NY, NORTHEAST, 1),
    City("Albany", "NY", "12205", 42.6526, -73.7562, NY, NORTHEAST, 1),
    City("Buffalo", "NY", "14225", 42.8864, -78.8784, NY, NORTHEAST, 1),
    City("Rochester", "NY", "14623", 43.1566, -77.6088, NY, NORTHEAST, 1),
    City("Newark", "NJ", "07105", 40.7357, -74.1724, NY, NORTHEAST, 1),
    City("Philadelphia", "PA", "19154", 39.9526, -75.1652, NY, NORTHEAST, 2),
    City("Pittsburgh", "PA", "15237", 40.4406, -79.9959, NY, NORTHEAST, 2),
    City("Baltimore", "MD", "21236", 39.2904, -76.6122, NY, NORTHEAST, 1),
    City("Manchester", "NH", "03103", 42.9956, -71.4548, NY, NORTHEAST, 1),
    City("Atlanta", "GA", "30340", 33.7490, -84.3880, NY, SOUTHEAST, 3),
    City("Charlotte", "NC", "28212", 35.2271, -80.8431, NY, SOUTHEAST, 2),
    City("Raleigh", "NC", "27616", 35.7796, -78.6382, NY, SOUTHEAST, 1),
    City("Charleston", "SC", "29407", 32.7765, -79.9311, NY, SOUTHEAST, 1),
    City("Jacksonville", "FL", "32256", 30.3322, -81.6557, NY, SOUTHEAST, 1),
    City("Orlando", "FL", "32819", 28.5383, -81.3792, NY, SOUTHEAST, 2),
    City("Tampa", "FL", "33612", 27.9506, -82.4572, NY, SOUTHEAST, 1),
    City("Miami", "FL", "33166", 25.7617, -80.1918, NY, SOUTHEAST, 2),
    City("Richmond", "VA", "23235", 37.5407, -77.4360, NY, SOUTHEAST, 1),
    City("Nashville", "TN", "37211", 36.1627, -86.7816, CHI, SOUTHEAST, 1),
    City("Birmingham", "AL", "35209", 33.5186, -86.8104, CHI, SOUTHEAST, 1),
    City("Dallas", "TX", "75243", 32.7767, -96.7970, CHI, SOUTH_CENTRAL, 3),
    City("Fort Worth", "TX", "76116", 32.7555, -97.3308, CHI, SOUTH_CENTRAL, 1),
    City("Houston", "TX", "77074", 29.7604, -95.3698, CHI, SOUTH_CENTRAL, 3),
    City("Austin", "TX", "78758", 30.2672, -97.7431, CHI, SOUTH_CENTRAL, 2),
    City("San Antonio", "TX", "78230", 29.4241, -98.4936, CHI, SOUTH_CENTRAL, 1),
    City("Oklahoma City", "OK", "73159", 35.4676, -97.5164, CHI, SOUTH_CENTRAL, 1),
    City("El Paso", "TX", "79925", 31.7619, -106.4850, DEN, SOUTH_CENTRAL, 1),
    City("Denver", "CO", "80231", 39.7392, -104.9903, DEN, MOUNTAIN, 3),
    City("Colorado Springs", "CO", "80918", 38.8339, -104.8214, DEN, MOUNTAIN, 1),
    City("Salt Lake City", "UT", "84115", 40.7608, -111.8910, DEN, MOUNTAIN, 1),
    City("Albuquerque", "NM", "87110", 35.0844, -106.6504, DEN, MOUNTAIN, 1),
    City("Phoenix", "AZ", "85020", 33.4484, -112.0740, PHX, MOUNTAIN, 2),
    City("Scottsdale", "AZ", "85260", 33.4942, -111.9261, PHX, MOUNTAIN, 1),
    City("Tucson", "AZ", "85705", 32.2226, -110.9747, PHX, MOUNTAIN, 1),
    City("Los Angeles", "CA", "90016", 34.0522, -118.2437, LA, WEST, 2),
    City("San Diego", "CA", "92108", 32.7157, -117.1611, LA, WEST, 1),
    City("Sacramento", "CA", "95821", 38.5816, -121.4944, LA, WEST, 1),
    City("San Jose", "CA", "95128", 37.3382, -121.8863, LA, WEST, 1),
    City("Las Vegas", "NV", "89146", 36.1699, -115.1398, LA, WEST, 1),
    City("Portland", "OR", "97230", 45.5152, -122.6784, LA, WEST, 1),
    City("Seattle", "WA", "98133", 47.6062, -122.3321, LA, WEST, 1),
    City("Anchorage", "AK", "99503", 61.2181, -149.9003, "America/Anchorage", WEST, 1),
    City("Honolulu", "HI", "96814", 21.3069, -157.8583, "Pacific/Honolulu", WEST, 1),
)

# Each city's telephone area code, for the stores' and their managers' numbers.
AREA_CODES: dict[str, str] = {
    "Chicago": "312", "Naperville": "630", "Schaumburg": "847", "Milwaukee": "414",
    "Minneapolis": "612", "St. Louis": "314", "Kansas City": "816", "Omaha": "402",
    "Des Moines": "515", "Columbus": "614", "Cleveland": "216", "Cincinnati": "513",
    "Boston": "617", "Hartford": "860", "Providence": "401", "Albany": "518",
    "Buffalo": "716", "Rochester": "585", "Newark": "973", "Philadelphia": "215",
    "Pittsburgh": "412", "Baltimore": "410", "Manchester": "603", "Atlanta": "404",
    "Charlotte": "704", "Raleigh": "919", "Charleston": "843", "Jacksonville": "904",
    "Orlando": "407", "Tampa": "813", "Miami": "305", "Richmond": "804",
    "Nashville": "615", "Birmingham": "205", "Dallas": "214", "Fort Worth": "817",
    "Houston": "713", "Austin": "512", "San Antonio": "210", "Oklahoma City": "405",
    "El Paso": "915", "Denver": "303", "Colorado Springs": "719", "Salt Lake City": "801",
    "Albuquerque": "505", "Phoenix": "602", "Scottsdale": "480", "Tucson": "520",
    "Los Angeles": "213", "San Diego": "619", "Sacramento": "916", "San Jose": "408",
    "Las Vegas": "702", "Portland": "503", "Seattle": "206", "Anchorage": "907",
    "Honolulu": "808",
}  # fmt: skip


def phone_number(area_code: str, n: int) -> str:
    """A number in the 555-0100..0199 block set aside for fiction, so no real phone rings."""
    return f"+1 {area_code} 555 {100 + n % 100:04d}"


# The demo engineer works around Chicago, and flies to Ohio on Tuesdays.
DEMO_ENGINEER_HOME = ("Chicago", "Naperville", "Schaumburg", "Milwaukee")
DEMO_ENGINEER_TRIP = ("Columbus", "Cleveland", "Cincinnati")
DEMO_ENGINEER_TIMEZONE = CHI

# IT staff per region (39 in all, the demo engineer counted in the Midwest).
ENGINEERS_PER_REGION: dict[str, int] = {
    MIDWEST: 9,
    NORTHEAST: 6,
    SOUTHEAST: 7,
    SOUTH_CENTRAL: 6,
    MOUNTAIN: 5,
    WEST: 6,
}

# Roughly the states that forbid selling cars on Sunday: their dealerships stay closed.
SUNDAY_CLOSED_STATES = frozenset(
    {"IL", "WI", "MN", "MO", "IA", "OH", "NJ", "PA", "OK", "TX", "CO", "ME", "NH", "NE"}
)

BRANDS = (
    "Toyota",
    "Ford",
    "Honda",
    "Chevrolet",
    "Nissan",
    "Hyundai",
    "Kia",
    "Subaru",
    "Jeep",
    "Ram",
    "GMC",
    "Volkswagen",
    "Mazda",
    "BMW",
    "Mercedes-Benz",
    "Lexus",
    "Audi",
    "Cadillac",
)
LUXURY_BRANDS = frozenset({"BMW", "Mercedes-Benz", "Lexus", "Audi", "Cadillac"})

DEALER_FAMILIES = (
    "Hendricks",
    "Larsen",
    "Whitaker",
    "Castillo",
    "Morrow",
    "Bennett",
    "Okafor",
    "Sorensen",
    "Delgado",
    "Prescott",
    "Nakamura",
    "Gallagher",
    "Holloway",
    "Brennan",
    "Vasquez",
    "Lindqvist",
)

STREETS = (
    "Auto Mall Drive",
    "Motor Parkway",
    "Commerce Boulevard",
    "Dealer Row",
    "Frontage Road",
    "Industrial Parkway",
    "Highway 40 West",
    "Main Street",
    "Route 9",
    "Lakeside Avenue",
    "Enterprise Way",
    "Northgate Boulevard",
)


def store_codes_in(cities: tuple[str, ...]) -> list[str]:
    """Codes of the stores in these cities: D001… are numbered in the order of CITIES."""
    codes, n = [], 0
    for city in CITIES:
        for _ in range(city.stores):
            n += 1
            if city.name in cities:
                codes.append(f"D{n:03d}")
    return codes
