"""Made-up value pools and generators for build.py (names, phones, cards, IBANs, addresses).

Every value is invented: phone digits, card middles, account numbers and house numbers are drawn
from a seeded random generator, card check digits are computed (Luhn) and IBAN check digits are
computed (ISO 13616 mod 97). Name, street and city pools are split into two halves so that
formats_dev and formats_holdout never share a street name or a surname list entry.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

# (given names, family names, family-name-first?) per culture. Tuples of (display, ascii) where
# the display form is not Latin, so that an e-mail local part can be derived.
# fmt: off
CULTURES: dict[str, tuple[list[str], list[str]]] = {
    "en": (
        [
            "Dana", "Callum", "Bethany", "Marcus", "Imogen", "Trevor", "Shauna", "Declan", "Holly", "Gareth", "Megan",
            "Rory", "Kelsey", "Brent", "Faye", "Owen",
        ],
        [
            "Whitfield", "Ashworth", "Pemberton", "Kowalczyk", "Hargreaves", "Delaney", "Fairbairn", "Oduya",
            "Thornton", "McAllister", "Brannigan", "Lockhart", "Sutcliffe", "Rowntree", "Castellano", "Blythe",
        ],
    ),
    "hu": (
        ["Zsófia", "Bence", "Réka", "Levente", "Csilla", "Gergő", "Dorottya", "Ádám", "Boglárka", "Tamás"],
        ["Nagy", "Kovács", "Szabó", "Tóth", "Horváth", "Varga", "Kiss", "Molnár", "Farkas", "Balogh"],
    ),
    "fi": (
        ["Aino", "Jussi", "Eveliina", "Tuomas", "Satu", "Ilkka", "Kirsi", "Oskari", "Maija", "Veikko"],
        [
            "Virtanen", "Mäkinen", "Korhonen", "Järvinen", "Heikkilä", "Lehtonen", "Nieminen", "Hämäläinen",
            "Laaksonen", "Kärkkäinen",
        ],
    ),
    "gr": (
        ["Dimitris", "Sofia", "Panagiotis", "Eirini", "Vasilis", "Athina", "Konstantinos", "Despina"],
        ["Papadakis", "Karagiannis", "Vlachou", "Christodoulou", "Alexiou", "Theodorou", "Mavridis", "Oikonomou"],
    ),
    "el": (
        ["Γιώργος", "Ελένη", "Νίκος", "Κατερίνα", "Δημήτρης", "Μαρία"],
        ["Παπαδόπουλος", "Οικονόμου", "Γεωργίου", "Αλεξίου", "Καραγιάννης", "Νικολάου"],
    ),
    "vi": (
        ["Thu Hà", "Minh Tuấn", "Ngọc Lan", "Quang Huy", "Thanh Hương", "Văn Đức", "Bảo Anh", "Hoàng Long"],
        ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"],
    ),
    "ng": (
        [
            "Chukwuemeka", "Oluwaseun", "Ngozi", "Aisha", "Babatunde", "Chiamaka", "Emeka", "Funmilayo", "Ifeoma",
            "Yusuf",
        ],
        ["Okonkwo", "Adeyemi", "Bello", "Eze", "Oyelaran", "Nwachukwu", "Balogun", "Okafor", "Abubakar", "Ogunleye"],
    ),
    "in": (
        ["Priya", "Rohit", "Ananya", "Vikram", "Lakshmi", "Arjun", "Meenakshi", "Siddharth", "Kavya", "Harpreet"],
        ["Venkataraman", "Sharma", "Iyer", "Chatterjee", "Reddy", "Deshpande", "Nair", "Kulkarni", "Banerjee", "Gill"],
    ),
    "zh": (
        ["Xiuying", "Wei", "Jianguo", "Meilin", "Haoran", "Yuxuan", "Zhiwei", "Xiaoling", "Junjie", "Lihua"],
        ["Wang", "Zhang", "Liu", "Chen", "Huang", "Zhao", "Zhou", "Xu", "Sun", "Lin"],
    ),
    "ar": (
        ["Mohammed", "Fatima", "Khalid", "Layla", "Omar", "Yasmin", "Tariq", "Noura", "Hassan", "Rania"],
        [
            "Al-Mansouri", "El-Amin", "Haddad", "bin Rashid Al-Nuaimi", "Abdelrahman", "Al-Khatib", "Saleh", "Nasser",
            "El-Sayed", "Qureshi",
        ],
    ),
    "es": (
        [
            "María José", "Juan Carlos", "Lucía", "Alejandro", "Ximena", "Iñaki", "Carmen", "Rodrigo", "Paloma",
            "Sebastián",
        ],
        [
            "García Fernández", "López de la Torre", "Martínez Ruiz", "Hernández Ortega", "Sánchez-Vidal",
            "Gutiérrez Moreno", "Ramírez", "Castillo Núñez", "Domínguez", "Vargas Llosa Peña",
        ],
    ),
    "fr": (
        ["Anne-Marie", "Jean-Baptiste", "Élodie", "Théo", "Margaux", "Loïc", "Céline", "Benoît", "Manon", "Hugo"],
        [
            "Lefèvre-Duval", "Moreau", "Girard", "Rousseau", "Fontaine", "Chevalier", "Lambert", "Dubois", "Mercier",
            "Bonnet",
        ],
    ),
    "de": (
        ["Jürgen", "Annika", "Lukas", "Friederike", "Matthias", "Sabine", "Jörg", "Katharina", "Uwe", "Lena"],
        [
            "Schröder", "Müller-Lüdenscheidt", "Becker", "Hoffmann", "Weißgerber", "Krüger", "Schneider",
            "Zimmermann", "Vogel", "Brandt",
        ],
    ),
    "pl": (
        ["Małgorzata", "Krzysztof", "Agnieszka", "Paweł", "Zofia", "Grzegorz", "Joanna", "Łukasz", "Ewa", "Tomasz"],
        [
            "Wiśniewska", "Kowalski", "Wójcik", "Zieliński", "Szymańska", "Dąbrowski", "Lewandowska", "Kamiński",
            "Jabłońska", "Grabowski",
        ],
    ),
    "ru": (
        ["Sergei", "Olga", "Aleksandr", "Tatiana", "Mikhail", "Natalia", "Yevgeny", "Ekaterina"],
        ["Volkov", "Petrova", "Smirnov", "Kuznetsova", "Fedorov", "Orlova", "Sokolov", "Lebedeva"],
    ),
    "ru_cyr": (
        ["Дмитрий", "Анна", "Иван", "Ольга"], ["Соколов", "Иванова", "Морозов", "Петрова"],
    ),
    "jp": (
        ["Haruto", "Yui", "Takeshi", "Sakura", "Ren", "Aoi", "Kenji", "Mio", "Daisuke", "Hina"],
        ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Yamamoto", "Nakamura", "Kobayashi", "Ito", "Kato"],
    ),
    "ko": (
        ["Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Su-bin", "Jae-won", "Yeon-woo"],
        ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Yoon", "Han"],
    ),
    "ie": (
        ["Siobhán", "Seán", "Aoife", "Ciarán", "Niamh", "Pádraig", "Eimear", "Oisín"],
        ["O'Connor", "Ní Bhriain", "Mac Giolla", "O'Sullivan", "Fitzgerald", "Ó Súilleabháin", "Byrne", "Kavanagh"],
    ),
    "tr": (
        ["Elif", "Mehmet", "Zeynep", "Burak", "Ayşe", "Emre", "Gülşen", "Oğuz"],
        ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Arslan"],
    ),
}
# fmt: on
FAMILY_FIRST_ALWAYS = {"vi", "ko"}
FAMILY_FIRST_SOMETIMES = {"hu", "zh", "jp"}
MIDDLE_INITIAL = {"en", "de", "ie", "ng"}
# fmt: off
TRANSLIT = {
    "Γιώργος": "giorgos", "Ελένη": "eleni", "Νίκος": "nikos", "Κατερίνα": "katerina", "Δημήτρης": "dimitris",
    "Μαρία": "maria", "Παπαδόπουλος": "papadopoulos", "Οικονόμου": "oikonomou", "Γεωργίου": "georgiou",
    "Αλεξίου": "alexiou", "Καραγιάννης": "karagiannis", "Νικολάου": "nikolaou", "Дмитрий": "dmitry", "Анна": "anna",
    "Иван": "ivan", "Ольга": "olga", "Соколов": "sokolov", "Иванова": "ivanova", "Морозов": "morozov",
    "Петрова": "petrova",
}
# fmt: on
# fmt: off
EMAIL_DOMAINS = [
    "brightwater-logistics.com", "nordhavn.io", "kestrel-analytics.co.uk", "fernhill.de", "gmail.com", "outlook.com",
    "yahoo.co.uk", "web.de", "proton.me", "lumenfield.org", "orbisbank.example", "tallyworks.fi", "mail.vinasoft.vn",
    "riverstone.ng",
]
# fmt: on


def ascii_slug(text: str) -> str:
    """An e-mail-safe ASCII form of a name (diacritics dropped, spaces and apostrophes removed)."""
    if text in TRANSLIT:
        return TRANSLIT[text]
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D").replace("ł", "l"))
    plain = plain.replace("Ł", "L").replace("ı", "i")
    out = "".join(c for c in plain if c.isascii() and (c.isalnum() or c == "-")).lower()
    return out or "user"


@dataclass(frozen=True)
class Person:
    """One made-up person; `full` is how the name is written in full in this text."""

    given: str
    family: str
    full: str
    email: str


def make_person(rng: random.Random, half: int | None, culture: str | None = None) -> Person:
    """A random person from one culture; `half` restricts to one half of the name pools."""
    key = culture or rng.choice(sorted(CULTURES))
    givens, families = CULTURES[key]
    given, family = rng.choice(pick_half(givens, half)), rng.choice(pick_half(families, half))
    if key in FAMILY_FIRST_ALWAYS or (key in FAMILY_FIRST_SOMETIMES and rng.random() < 0.5):
        full = f"{family} {given}"
    elif key in MIDDLE_INITIAL and rng.random() < 0.35:
        full = f"{given} {rng.choice('ABCDEFGHJKLMNPRSTW')}{rng.choice(['.', '', '.'])} {family}"
    else:
        full = f"{given} {family}"
    g, f = ascii_slug(given.split()[-1] if key == "vi" else given), ascii_slug(family.split()[-1])
    local = rng.choice([f"{g}.{f}", f"{g[0]}{f}", f"{g}_{f}", f"{g}", f"{f}.{g}", f"{g}{rng.randint(1, 99)}"])
    return Person(given, family, full, f"{local}@{rng.choice(EMAIL_DOMAINS)}")


def pick_half(items: list[str], half: int | None) -> list[str]:
    """All items, or the even-indexed (0) or odd-indexed (1) half of them."""
    return items if half is None else items[half::2]


def fill(rng: random.Random, pattern: str) -> str:
    """Replace D with a digit, N with a digit 2-9 and L with an upper-case letter."""
    out = []
    for ch in pattern:
        if ch == "D":
            out.append(str(rng.randint(0, 9)))
        elif ch == "N":
            out.append(str(rng.randint(2, 9)))
        elif ch == "L":
            out.append(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ"))
        else:
            out.append(ch)
    return "".join(out)


# ---------------------------------------------------------------- phones (national / international)
# fmt: off
PHONES: dict[str, list[str]] = {
    "us": [
        "(NDD) NDD-DDDD", "NDD-NDD-DDDD", "NDD.NDD.DDDD", "+1 NDD NDD DDDD", "1-NDD-NDD-DDDD", "+1 (NDD) NDD-DDDD",
        "(375) 401-DDDD", "(335) NDD-DDDD", "468-NDD-DDDD", "+1 532 NDD DDDD",
    ],
    "ca": ["(NDD) NDD-DDDD", "+1 NDD-NDD-DDDD"],
    "uk": [
        "020 7946 DDDD", "+44 20 7946 DDDD", "07700 9DDDDD", "+44 7700 9DDDDD", "0161 496 DDDD",
        "+44 (0)161 496 DDDD", "01632 96DDDD", "+447NDDDDDDDD",
    ],
    "de": [
        "030 NDDDDDDD", "+49 30 NDDDDDDD", "0171 NDDDDDD", "+49 (0)89 NDDDDD-DD", "089/NDDDDDD", "+49 151 NDDDDDDD",
        "0221 NDD DD DD",
    ],
    "fr": [
        "01 DD DD DD DD", "+33 1 DD DD DD DD", "06 DD DD DD DD", "+33 (0)6 DD DD DD DD", "04.DD.DD.DD.DD",
        "+33 7 DD DD DD DD",
    ],
    "it": ["06 DDDD DDDD", "+39 06 DDDD DDDD", "3DD DDD DDDD", "+39 3DD DDDDDDD", "02-DDDDDDDD"],
    "es": ["91D DDD DDD", "+34 91D DD DD DD", "6DD DD DD DD", "+34 6DD DDD DDD"],
    "nl": ["020 DDD DDDD", "+31 20 DDD DDDD", "06 DDDDDDDD", "+31 6 DDDD DDDD", "06-DDDDDDDD"],
    "be": ["02 DDD DD DD", "+32 2 DDD DD DD", "047D DD DD DD", "+32 47D DD DD DD"],
    "ch": ["044 DDD DD DD", "+41 44 DDD DD DD", "079 DDD DD DD", "+41 79 DDD DD DD"],
    "at": ["01 NDDDDDD", "+43 1 NDDDDDD", "0664 NDDDDDD", "+43 664 NDDDDDD"],
    "pl": ["12 DDD DD DD", "+48 12 DDD DD DD", "5DD DDD DDD", "+48 5DD DDD DDD", "+48 6DD-DDD-DDD"],
    "se": ["08-DDD DDD DD", "+46 8 DDD DDD DD", "070-DDD DD DD", "+46 70 DDD DD DD"],
    "no": ["22 DD DD DD", "+47 22 DD DD DD", "4DD DD DDD", "+47 4DD DD DDD"],
    "dk": ["3D DD DD DD", "+45 3D DD DD DD", "+45 2D DD DD DD"],
    "fi": ["09 DDDD DDDD", "+358 9 DDDD DDDD", "040 DDD DDDD", "+358 40 DDD DDDD", "050-DDD DDDD"],
    "ie": ["01 NDD DDDD", "+353 1 NDD DDDD", "087 DDD DDDD", "+353 87 DDD DDDD"],
    "pt": ["21 DDD DDDD", "+351 21 DDD DDDD", "91D DDD DDD", "+351 91D DDD DDD"],
    "gr": ["21 0DDD DDDD", "+30 210 DDD DDDD", "69D DDD DDDD", "+30 69D DDD DDDD"],
    "hu": ["06 1 NDD DDDD", "+36 1 NDD DDDD", "+36 30 NDD DDDD", "06 30 NDD DDDD", "+36-20-NDD-DDDD"],
    "cz": ["2DD DDD DDD", "+420 2DD DDD DDD", "60D DDD DDD", "+420 7DD DDD DDD"],
    "jp": ["03-DDDD-DDDD", "+81 3-DDDD-DDDD", "090-DDDD-DDDD", "+81 90 DDDD DDDD", "06-NDDD-DDDD"],
    "cn": ["010 DDDD DDDD", "+86 10 DDDD DDDD", "138 DDDD DDDD", "+86 139 DDDD DDDD", "021-DDDDDDDD"],
    "in": ["+91 9DDDD DDDDD", "09DDDD DDDDD", "022 2DDD DDDD", "+91 22 2DDD DDDD", "+91-80-4DDD-DDDD"],
    "au": ["(02) 9DDD DDDD", "+61 2 9DDD DDDD", "04DD DDD DDD", "+61 4DD DDD DDD", "(03) 9DDD DDDD"],
    "nz": ["(09) NDD DDDD", "+64 9 NDD DDDD", "021 DDD DDDD", "+64 21 DDD DDDD"],
    "br": ["(11) 9DDDD-DDDD", "+55 11 9DDDD-DDDD", "(21) NDDD-DDDD", "+55 (21) 9DDDD-DDDD"],
    "mx": ["55 DDDD DDDD", "+52 55 DDDD DDDD", "+52 1 55 DDDD DDDD", "(33) DDDD DDDD"],
    "ar": ["011 4DDD-DDDD", "+54 11 4DDD-DDDD", "+54 9 11 DDDD-DDDD"],
    "za": ["021 NDD DDDD", "+27 21 NDD DDDD", "082 DDD DDDD", "+27 82 DDD DDDD"],
    "ng": ["0803 DDD DDDD", "+234 803 DDD DDDD", "0805 DDD DDDD", "+234 1 DDD DDDD"],
    "ke": ["0712 DDDDDD", "+254 712 DDDDDD", "+254 20 DDD DDDD"],
    "eg": ["+20 10 DDDD DDDD", "010 DDDD DDDD", "+20 2 DDDD DDDD"],
    "ae": ["+971 4 DDD DDDD", "04 DDD DDDD", "+971 50 DDD DDDD", "050 DDD DDDD"],
    "sa": ["+966 11 DDD DDDD", "050 DDD DDDD", "+966 55 DDD DDDD"],
    "il": ["03-DDD-DDDD", "+972 3-DDD-DDDD", "052-DDD-DDDD", "+972 52-DDD-DDDD"],
    "tr": ["0212 DDD DD DD", "+90 212 DDD DD DD", "0532 DDD DD DD", "+90 532 DDD DD DD"],
    "ru": ["8 (495) DDD-DD-DD", "+7 495 DDD-DD-DD", "+7 (916) DDD-DD-DD", "8 916 DDD DD DD"],
    "sg": ["6DDD DDDD", "+65 6DDD DDDD", "+65 9DDD DDDD"], "hk": ["2DDD DDDD", "+852 2DDD DDDD", "+852 9DDD DDDD"],
    "kr": ["02-DDD-DDDD", "+82 2-DDD-DDDD", "010-DDDD-DDDD", "+82 10-DDDD-DDDD"],
    "vn": ["024 3DDD DDDD", "+84 24 3DDD DDDD", "091 DDD DD DD", "+84 91 DDD DDDD"],
    "ph": ["(02) 8DDD DDDD", "+63 2 8DDD DDDD", "0917 DDD DDDD", "+63 917 DDD DDDD"],
    "id": ["(021) DDDD DDDD", "+62 21 DDDD DDDD", "0812-DDDD-DDDD", "+62 812-DDDD-DDDD"],
    "my": ["03-DDDD DDDD", "+60 3-DDDD DDDD", "012-DDD DDDD", "+60 12-DDD DDDD"],
    "th": ["02 DDD DDDD", "+66 2 DDD DDDD", "08D DDD DDDD", "+66 8D DDD DDDD"],
    "pk": ["042 DDDDDDDD", "+92 42 DDDDDDDD", "0300 DDDDDDD", "+92 300 DDDDDDD"],
}
# fmt: on
EXTENSIONS = [" x42", " ext. 7", " ext 215", " x1193", ", ext. 30", " (ext. 4417)", " (Durchwahl -22)"]


def make_phone(rng: random.Random, country: str) -> str:
    """A made-up phone number in one of the written forms used in `country`."""
    return fill(rng, rng.choice(PHONES[country]))


# ---------------------------------------------------------------- payment cards
# (scheme, prefixes, lengths); a prefix "a-b" is an inclusive numeric range of equal-width prefixes.
# fmt: off
CARD_SCHEMES: list[tuple[str, list[str], list[int]]] = [
    ("visa", ["4"], [13, 16, 19]), ("mastercard", ["51-55"], [16]), ("mastercard2", ["2221-2720"], [16]),
    ("amex", ["34", "37"], [15]), ("discover", ["6011", "644-649", "65"], [16, 19]),
    ("diners", ["300-305", "36", "38"], [14]), ("jcb", ["3528-3589"], [16]), ("jcb15", ["1800", "2131"], [15]),
    ("unionpay", ["62"], [16, 17, 18, 19]),
    ("maestro", ["5018", "5020", "5038", "5893", "6304", "6759", "6761-6763"], [12, 13, 14, 15, 16, 17, 18, 19]),
]
# fmt: on
# fmt: off
WELL_KNOWN_TEST_CARDS = {
    "4111111111111111", "4242424242424242", "4012888888881881", "5555555555554444", "5105105105105100",
    "378282246310005", "371449635398431", "6011111111111117", "30569309025904", "3530111333300000",
    "4000056655665556", "2223003122003222", "6200000000000005", "4222222222222",
}
# fmt: on


def luhn_check_digit(body: str) -> str:
    """The Luhn digit that makes body + digit pass the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    """True when the digits pass the Luhn check."""
    return luhn_check_digit(number[:-1]) == number[-1]


def card_kinds() -> list[str]:
    """Every scheme/length pair, e.g. "visa/13", for round-robin coverage."""
    return [f"{name}/{length}" for name, _, lengths in CARD_SCHEMES for length in lengths]


def card_digits(rng: random.Random, kind: str) -> str:
    """A Luhn-valid made-up card number for "scheme" or "scheme/length" (never a well-known test number)."""
    scheme, _, fixed = kind.partition("/")
    _, prefixes, lengths = next(s for s in CARD_SCHEMES if s[0] == scheme)
    if fixed:
        lengths = [int(fixed)]
    while True:
        prefix = rng.choice(prefixes)
        if "-" in prefix:
            lo, hi = prefix.split("-")
            prefix = str(rng.randint(int(lo), int(hi))).zfill(len(lo))
        length = rng.choice(lengths)
        body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix) - 1))
        number = body + luhn_check_digit(body)
        if number not in WELL_KNOWN_TEST_CARDS and len(set(number[-8:])) > 2:
            return number


def group_card(rng: random.Random, number: str) -> str:
    """Write a card number as people do: in groups with spaces or dashes, or as one run of digits."""
    sizes = {
        15: [4, 6, 5],
        14: [4, 6, 4],
        13: [4, 4, 5],
        19: [4, 4, 4, 4, 3],
        12: [4, 4, 4],
        17: [4, 4, 4, 5],
        18: [4, 4, 4, 6],
    }.get(len(number), [4, 4, 4, 4])
    sep = rng.choice([" ", " ", "-", ""])
    parts, at = [], 0
    for size in sizes:
        parts.append(number[at : at + size])
        at += size
    return sep.join(parts)


# ---------------------------------------------------------------- IBAN, SSN
# fmt: off
IBAN_BBAN = {
    "DE": "DDDDDDDDDDDDDDDDDD", "GB": "LLLLDDDDDDDDDDDDDD", "FR": "DDDDDDDDDDDDDDDDDDDDDDD",
    "ES": "DDDDDDDDDDDDDDDDDDDD", "NL": "LLLLDDDDDDDDDD", "IT": "LDDDDDDDDDDDDDDDDDDDDDD",
    "PL": "DDDDDDDDDDDDDDDDDDDDDDDD", "BE": "DDDDDDDDDDDD", "CH": "DDDDDDDDDDDDDDDDD", "AT": "DDDDDDDDDDDDDDDD",
    "HU": "DDDDDDDDDDDDDDDDDDDDDDDD", "GR": "DDDDDDDDDDDDDDDDDDDDDDD", "FI": "DDDDDDDDDDDDDD",
    "IE": "LLLLDDDDDDDDDDDDDD", "PT": "DDDDDDDDDDDDDDDDDDDDD",
}
# fmt: on


def make_iban(rng: random.Random, country: str, grouped: bool) -> str:
    """A made-up IBAN with correct mod-97 check digits."""
    bban = fill(rng, IBAN_BBAN[country])
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    iban = f"{country}{98 - int(numeric) % 97:02d}{bban}"
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if grouped else iban


def make_ssn(rng: random.Random) -> str:
    """A made-up US SSN in a valid-looking range (no 000/666/9xx area, 00 group, 0000 serial)."""
    area = rng.choice([n for n in range(1, 900) if n != 666])
    ssn = f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"
    return ssn if ssn not in {"078-05-1120", "219-09-9999", "123-45-6789"} else make_ssn(rng)
