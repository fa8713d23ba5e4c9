"""Places (annotated LOCATION) and hard-negative fillers (never annotated) for build.py.

The negatives are strings a careless detector might take for a phone number, a card or a name:
dates, times, money, order and invoice numbers, versions, coordinates, lone postcodes, valid
ISBN-13s, parcel tracking numbers, Luhn-invalid 16-digit references, product and company names.
"""

from __future__ import annotations

import random

from pools import fill, luhn_ok

# fmt: off
PLACES: dict[str, list[str]] = {
    "CITY": [
        "Lisbon", "Nairobi", "Đà Nẵng", "São Paulo", "Tampere", "Thessaloniki", "Lagos", "Pune", "Chengdu", "Rabat",
        "Kraków", "Guadalajara", "Osaka", "Bergen", "Cork", "Debrecen", "Antwerp", "Montréal", "Auckland",
        "Cluj-Napoca", "Dubai", "Leeds", "Rotterdam", "Ho Chi Minh City", "Kumasi", "Valparaíso", "Hyderabad",
        "Gothenburg", "Tbilisi", "Marseille", "Abuja", "Seville", "Wrocław", "Brisbane", "Calgary", "Nagoya",
        "Ljubljana", "Porto", "Chiang Mai", "Izmir",
    ],
    "COUNTRY": [
        "Portugal", "Kenya", "Vietnam", "Brazil", "Finland", "Greece", "Nigeria", "India", "China", "Morocco",
        "Poland", "Mexico", "Japan", "Norway", "Ireland", "Hungary", "Belgium", "Canada", "New Zealand", "Romania",
        "Germany", "Egypt", "Chile", "South Korea", "Ghana", "Estonia", "Indonesia", "Peru", "Türkiye", "Australia",
    ],
    "REGION": [
        "Bavaria", "Catalonia", "Lapland", "Kerala", "Tuscany", "Patagonia", "Silesia", "Quebec", "Queensland",
        "Andalusia", "Scotland", "Flanders", "Crete", "Hokkaido", "Ontario", "Lombardy",
    ],
}
# fmt: on
# fmt: off
PRODUCTS = [
    "Jira", "Confluence", "Salesforce", "Kubernetes", "PostgreSQL", "Tableau", "Excel", "Power BI", "SharePoint",
    "Slack", "Figma", "Terraform", "GitHub Actions", "Snowflake", "Workday", "Zendesk", "the Surface Pro",
    "iPhone 15", "Teams", "Outlook", "Grafana", "Airflow", "SAP S/4HANA", "Okta",
]
# fmt: on
# fmt: off
COMPANIES = [
    "Brightwater Logistics", "Northwind Traders", "Contoso", "Fabrikam", "Acme Corp", "Harlow & Finch LLP",
    "Kestrel Analytics", "Orbis Bank", "Lumenfield", "Tallyworks Oy", "Vinasoft", "Riverstone Energy",
    "Bluebird Health", "Mercer & Vale", "Stonebridge Capital",
]
# fmt: on
# fmt: off
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
]
# fmt: on
# fmt: off
ROLE_BOXES = [
    "helpdesk", "payroll", "it-support", "noreply", "billing", "security", "facilities", "hr.ops", "accounts.payable",
    "dpo", "sales-emea", "careers",
]
# fmt: on
# fmt: off
ROLE_DOMAINS = [
    "brightwater-logistics.com", "nordhavn.io", "kestrel-analytics.co.uk", "orbisbank.example", "lumenfield.org",
    "tallyworks.fi",
]
# fmt: on


def role_email(rng: random.Random) -> str:
    """A role mailbox such as helpdesk@nordhavn.io."""
    return f"{rng.choice(ROLE_BOXES)}@{rng.choice(ROLE_DOMAINS)}"


def isbn13(rng: random.Random) -> str:
    """A valid, made-up ISBN-13 written with hyphens."""
    body = "978" + fill(rng, "DDDDDDDDD")
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return f"{body[:3]}-{body[3]}-{body[4:8]}-{body[8:]}-{check}"


def ref16(rng: random.Random) -> str:
    """A 16-digit reference number that fails the Luhn check (so it is not a card)."""
    while True:
        digits = fill(rng, "DDDDDDDDDDDDDDDD")
        if not luhn_ok(digits) and digits[0] != "0":
            return " ".join(digits[i : i + 4] for i in range(0, 16, 4)) if rng.random() < 0.5 else digits


def negative(rng: random.Random, kind: str) -> str:
    """One unannotated filler value of `kind`."""
    makers = {
        "PRODUCT": lambda: rng.choice(PRODUCTS),
        "COMPANY": lambda: rng.choice(COMPANIES),
        "MONTH": lambda: rng.choice(MONTHS),
        "DATE": lambda: fill(rng, rng.choice(["2025-0N-1D", "1D/0N/2026", "0N.1D.2024", "1D Mar 2025"])),
        "TIME": lambda: fill(rng, rng.choice(["1D:DD", "0N:3D", "1D:DD:DD UTC", "N:DD pm"])),
        "MONEY": lambda: (
            rng.choice(["$", "€", "£", "USD ", "¥", "CHF ", "EUR "])
            + fill(rng, rng.choice(["N,DDD.DD", "NDD.DD", "N,DDD"]))
        ),
        "ORDER": lambda: rng.choice(["#A-2025-", "INV-00", "PO 45000", "SO-", "Order "]) + fill(rng, "NDDDDD"),
        "VERSION": lambda: fill(rng, rng.choice(["N.1D.D", "10.0.1DDDD.DDDD", "N.D.DD-rc2", "2025.0N.1D.DDDD"])),
        "ISBN": lambda: isbn13(rng),
        "TRACK": lambda: fill(
            rng,
            rng.choice(["1Z NDD LLL DD DDDD DDDN", "94001DDDDDDDDDDDDDDDDD", "NDDDDDDDDDDD", "LLNDDDDDDDD"])
            + rng.choice(["", "GB", "CN", "DE"]),
        ),
        "COORD": lambda: rng.choice(
            [
                fill(rng, "4D.DDDD° ") + "N, " + fill(rng, "1D.DDDD° ") + "E",
                fill(rng, "-3D.DDDDDD, 1DD.DDDDDD"),
                fill(rng, "5D°2D′1D″") + "N " + fill(rng, "DD°1D′3D″") + "W",
            ]
        ),
        "ZIP": lambda: fill(rng, rng.choice(["NDDDD", "NDDDD-DDDD", "LLN NLL"])),
        "REF16": lambda: ref16(rng),
    }
    return makers[kind]()
