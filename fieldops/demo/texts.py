"""Words the demo data is made of: people's names and what engineers and managers write."""

from __future__ import annotations

FIRST_NAMES = (
    "James", "Maria", "Robert", "Linda", "Michael", "Patricia", "David", "Jennifer",
    "Carlos", "Aisha", "Daniel", "Priya", "Kevin", "Grace", "Marcus", "Elena", "Brian",
    "Sofia", "Tyler", "Keisha", "Andrew", "Mei", "Jason", "Rachel", "Luis", "Hannah",
    "Omar", "Natalie", "Derek", "Tanya", "Ethan", "Rosa", "Samuel", "Chloe", "Victor",
    "Leah", "Hector", "Dana", "Trevor", "Imani", "Noah", "Olivia", "Raj", "Beth",
)  # fmt: skip

LAST_NAMES = (
    "Smith", "Johnson", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Wilson",
    "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Thompson",
    "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
    "Wright", "Scott", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker",
    "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Patel", "Kim",
)  # fmt: skip

VISIT_PURPOSES = (
    "Routine IT visit",
    "Guest Wi-Fi survey",
    "Service drive tablet rollout",
    "Printer replacement in the F&I office",
    "Network closet audit",
    "DMS upgrade support",
    "E-signature pads set-up",
    "New hire laptop onboarding",
    "Showroom kiosk check",
    "Access point replacement",
    "Follow-up on open issues",
    "Security camera NVR check",
)

SUMMARIES = (
    "Walked the showroom and service drive with the manager; Wi-Fi fine except the back "
    "corner of the service lounge.",
    "Replaced the toner and fuser on the F&I printer; tested contract printing end to end.",
    "Updated the service drive tablets and re-enrolled two that had dropped out of MDM.",
    "Network closet tidied, UPS battery at 60%: replacement ordered.",
    "Showed sales staff the new e-signature flow; finance still prints the lender packet.",
    "Guest Wi-Fi captive portal was looping on iPhones; fixed the walled-garden list.",
    "Checked the door-counter and the parts counter scanners; all reporting.",
    "Met the new service manager, set up accounts and the DMS printer mapping.",
    "Swapped a failing access point in the shop bays; throughput back to normal.",
    "Reviewed open tickets with the GM; two closed on site, one escalated to the vendor.",
    "Kiosk in the customer lounge frozen on a Windows update; rebuilt it.",
    "Label printer at parts re-calibrated; no more misprinted bin tags.",
)

CANCEL_REASONS = (
    "Store asked to move the visit to next week",
    "Engineer out sick",
    "Severe weather warning",
    "Rescheduled after the DMS outage",
    "Store closed for inventory count",
)

WIFI_ZONES = (
    "showroom",
    "service drive",
    "service lounge",
    "parts counter",
    "F&I office",
    "sales floor",
    "customer lounge",
    "shop bays",
    "front lot",
    "used car lot",
)
WIFI_SSIDS = ("Guest", "Staff", "DMS-Secure", "Shop-IoT", "Guest-5G")

PAPERWORK_PROCESSES = (
    "vehicle sale contract",
    "trade-in appraisal",
    "finance application",
    "service repair order",
    "parts invoice",
    "lease return inspection",
    "title and registration",
    "warranty claim",
)

HARDWARE_PROBLEMS = (
    ("Service drive tablet", "Battery swells, tablet no longer closes in its case."),
    ("Showroom kiosk", "Touch screen misregisters taps in the bottom third."),
    ("Label printer (parts)", "Prints blank labels every other job."),
    ("Check-in barcode scanner", "Does not read VIN barcodes through the windshield."),
    ("F&I office laser printer", "Paper jams on duplex lender packets."),
    ("Key cabinet controller", "Loses its network connection overnight."),
    ("Service lane camera", "Plate recognition misses most vehicles after dark."),
    ("Desk phone (sales)", "Handset crackles; cable replaced, still crackles."),
)

GENERAL_NOTES = (
    "Staff happy with the new laptops; sales asked for a second monitor at each desk.",
    "Manager wants a walkthrough of the new issue app for the service advisors.",
    "Construction next door; expect a fibre cut risk until the end of the month.",
    "Parts department moving to the new building in the spring: network to plan.",
    "Customers ask for the guest Wi-Fi password at reception; signage would help.",
    "Service lounge TVs share the guest network and eat bandwidth on game days.",
)

HOURS_NOTES = (
    "Customers still in the showroom after the posted close.",
    "Service lounge empty; sales floor busy with a delivery.",
    "Last customer left with a delivery after closing.",
    "Quiet evening, closed on time.",
)

ISSUE_TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    "wifi": (
        (
            "Guest Wi-Fi drops in the service lounge",
            "Customers waiting for their car lose the connection every few minutes.",
        ),
        (
            "Captive portal loops on phones",
            "The accept page reloads forever; customers give up and use mobile data.",
        ),
        (
            "Weak signal in the F&I office",
            "Laptops fall back to 2.4 GHz and contracts upload slowly.",
        ),
    ),
    "paperwork": (
        (
            "Lender packet needs wet signatures again",
            "The e-signature pad rejects signatures since the last update.",
        ),
        (
            "Repair orders print twice",
            "Every repair order comes out of the service printer in two copies.",
        ),
        (
            "Deal jacket scans unreadable",
            "Scanned deal jackets are too dark to read at accounting.",
        ),
    ),
    "hardware": (
        (
            "Service drive tablet will not charge",
            "One of the four service tablets stays at 3% on the charger.",
        ),
        (
            "Parts label printer misprints",
            "Bin labels come out shifted; the barcode does not scan.",
        ),
        (
            "Showroom kiosk frozen",
            "The inventory kiosk shows a blue screen since this morning.",
        ),
    ),
    "network": (
        ("Internet down for the whole store", "No connection at all since the storm."),
        (
            "DMS slow at month end",
            "Deal posting takes minutes; other sites seem fine.",
        ),
        (
            "VPN to the lender portal drops",
            "The finance office loses the lender portal several times a day.",
        ),
    ),
    "software": (
        (
            "DMS login fails for new hires",
            "Two new salespeople cannot sign in to the DMS.",
        ),
        (
            "Service scheduling app crashes",
            "The online scheduling page errors when a customer picks Saturday.",
        ),
        (
            "CRM leads not syncing",
            "Internet leads from the website are not reaching the CRM.",
        ),
    ),
    "other": (
        (
            "New office needs network drops",
            "The used-car manager moves into the old parts office next month.",
        ),
        (
            "Security camera footage missing",
            "The NVR has no recordings for last weekend.",
        ),
    ),
}

ISSUE_COMMENTS = (
    "Still happening this afternoon.",
    "Rebooted the device, it helped for an hour.",
    "Vendor ticket opened, waiting for an answer.",
    "Replacement part shipped, arriving in two days.",
    "Can someone come by before Saturday? It is our busiest day.",
    "Remote session done: settings restored, please confirm.",
    "Confirmed fixed on our side, thanks!",
    "Happened again during a delivery, customer had to wait.",
    "Added a photo of the error screen.",
)
