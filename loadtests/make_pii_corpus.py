"""Generate the labeled PII corpus in ``tests/data/pii_corpus.jsonl`` (offline, fixed seed, no Faker).

Each line: ``{"text", "spans": [{"start", "end", "entity_type"}], "split", "template"}``.
Templates are rendered with values from small hand-written generators (names from many
cultures, valid-checksum cards and IBANs, valid-format SSNs/NINOs, US/UK/DE phones in
several formats) and near-miss distractors that are *not* labeled (order numbers, bad-Luhn
cards, bad-checksum IBANs, version strings, dates without birth context, ...).

Against overfitting, every sample carries a ``split``. ``dev`` templates (and the even half
of the name lists) are the only ones whose errors were studied while tuning the detector.
``heldout`` templates (other wording, extra phone formats, the odd half of the names) were
first evaluated after that tuning; ``blind`` templates were written after all tuning and
are for evaluation only (they have since been looked at, so they are no longer blind).

``fresh`` is the unseen test set: its templates, name lists (``FRESH_FIRST``/``FRESH_LAST``,
sharing no name with ``FIRST``/``LAST``), cities, e-mail domains and extra phone formats were
written after all tuning by a different author who never saw the detector's code, its errors
or its results, as realistic enterprise text (chat transcripts with speaker labels, CSV/JSON/
YAML records, e-mail headers and signatures, meeting notes, tickets, code comments, logs, bare
first names and possessives). Its rows are drawn after the older splits have been shuffled and
are appended after them, so the older rows keep their bytes and their order. ``fresh`` has since
been evaluated and its errors studied, so it is no longer unseen either.

``unseen`` is the current unseen test set, for a single evaluation. It was written after
``fresh`` had been evaluated and studied, by an author who never saw the detector's code, its
errors or its results. Its name lists (``UNSEEN_FIRST``/``UNSEEN_LAST``: Filipino, Thai,
Indonesian, Malay, Pakistani, Bangladeshi, Sri Lankan, Ethiopian, Somali, Moroccan, Egyptian,
Hungarian, Romanian, Czech, Baltic, Dutch, Flemish, Icelandic, Welsh, Gaelic, Andean, Mexican,
Caribbean, Maori and Hawaiian names) share no name with the older lists, even after accent
folding; its cities, countries, US/UK/continental addresses with postcodes, e-mail domains and
phone formats (Asia, Africa, Europe, the Caribbean, Latin America, Oceania) are new too. Its
templates are enterprise text in formats no older template uses: HR case notes, post-mortems, CRM
notes, support macros, invoices, shipping labels, travel requests, onboarding checklists,
performance reviews, pull requests, ``git log`` output, stack traces, SQL INSERTs, Markdown
tables, HTML, iCalendar, XML, TSV, voicemail and SMS transcripts, legal letters, insurance,
school and medical forms. ``{kind:key}`` placeholders repeat one value in a template. Its rows
are drawn after the fresh rows, shuffled on their own and appended last.
``python -m loadtests.make_pii_corpus`` rewrites the file byte for byte.
"""

from __future__ import annotations

import json
import random
import re
import string
import unicodedata
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "pii_corpus.jsonl"
SEED = 20261123
Gen = Callable[[random.Random, str], str]


def words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


FIRST = words(
    "James Mary Robert Patricia Michael Jennifer David Linda Sarah Thomas Emily Daniel Olivia Lucas Sophie Noah "
    "Priya Rahul Ananya Vikram Aisha Omar Fatima Yusuf Mehmet Ayşe Elif Burak Wei Xiaoming Mei Hiroshi Yuki "
    "Haruto Sakura Min-jun Seo-yeon Linh Minh Chinedu Ngozi Oluwaseun Adebayo Amara Kwame Abena Tendai Sipho "
    "Thandiwe Łukasz Małgorzata Zofia Katarzyna Dmitri Olga Svetlana Anastasia Björn Astrid Søren Ingrid Giulia "
    "Matteo Alessandro Francesca Sofía Alejandro Valentina Joaquín Lucía João Beatriz Thiago Amélie Étienne "
    "Hélène Jürgen Anneliese Siobhan Niamh Seán Aoife Kofi Efua Deepika Arjun Lakshmi Nikos Eleni Kateryna "
    "Oleksandr Tariq Layla Zainab Reza Shirin Bartosz Mariam Kenji Aiko Hyun-woo Grace Henry Isabel Marcus"
)
LAST = words(
    "Smith Johnson Williams Brown Garcia Miller Davis Rodriguez Martinez Hernandez Wilson Anderson Taylor Moore "
    "Thompson Walker Patel Sharma Gupta Iyer Reddy Khan Hussain Rahman Chaudhry Yilmaz Kaya Demir Öztürk Wang "
    "Zhang Liu Huang Zhao Nguyen Tran Pham Hoang Tanaka Suzuki Takahashi Watanabe Kim Park Choi Okafor Adeyemi "
    "Okonkwo Mensah Boateng Nkosi Dlamini Mwangi Kowalski Nowak Wiśniewski Wójcik Ivanov Petrov Kuznetsova "
    "Andersson Johansson Nielsen Larsen Rossi Bianchi Ferrari Esposito Fernández Sánchez Gómez Silva Santos "
    "Oliveira Costa Dubois Moreau Lefèvre Girard Müller Schmidt Schneider Fischer Hoffmann O'Brien O'Connor "
    "Murphy McCarthy Papadopoulos Georgiou Kovalenko Shevchenko Haddad Khoury Hosseini Karimi Smith-Jones "
    "Al-Farsi Lindqvist Bergström"
)
CITIES = words(
    "London|Manchester|Berlin|Munich|Hamburg|Paris|Lyon|Madrid|Barcelona|Rome|Milan|Amsterdam|Warsaw|Kraków|"
    "Prague|Vienna|Zurich|Dublin|Lisbon|Stockholm|Oslo|Helsinki|Athens|Istanbul|Cairo|Lagos|Nairobi|"
    "Johannesburg|Mumbai|Delhi|Bangalore|Karachi|Dhaka|Beijing|Shanghai|Tokyo|Osaka|Seoul|Hanoi|Bangkok|"
    "Singapore|Jakarta|Manila|Sydney|Melbourne|Auckland|Toronto|Vancouver|Montreal|Chicago|Houston|Seattle|"
    "Boston|Denver|Atlanta|Miami|San Francisco|New York|Los Angeles|Buenos Aires|São Paulo|Mexico City",
    "|",
)
COUNTRIES = words("Germany France Spain Italy Poland Nigeria Kenya India Pakistan Japan Brazil Mexico Canada Vietnam")
STREETS = words("Maple Oak Church High Station Mill Park Cedar Elm Victoria King Queen Lake Hill Bridge")
STREET_KINDS = words("Street Avenue Road Lane Drive Way Close")
DOMAINS = words("gmail.com outlook.com yahoo.co.uk proton.me web.de acme-corp.com contoso.io nhs.net example.org")
COMPANIES = words("Acme Corp|Globex|Initech|Umbrella Health|Stark Logistics|Wayne Retail|Hooli|Vandelay Imports", "|")
PRODUCTS = words("Kubernetes|PostgreSQL|Django|React|Terraform|Kafka|Jenkins|Redis|Grafana|Airflow|Snowflake", "|")
US_AREAS = words("201 202 206 212 213 214 303 305 312 404 415 503 512 617 646 702 713 718 773 808 917 929")
# Fresh-split vocabulary (see the module docstring): no name, city or domain in common with the lists above.
FRESH_FIRST = words(
    "Oliver Charlotte Harriet Edward Megan Callum Bethany Nathaniel Declan Caoimhe Ciarán Guadalupe Rodrigo Inés "
    "Íñigo Ximena Maite Gonçalo Leonor Rafaela Tomás Khalid Noura Yasmin Hamza Rania Abdulrahman Dariush Parisa "
    "Kourosh Nasrin Aditya Kavya Siddharth Meera Harpreet Nandini Jiahui Zhiwei Xinyi Haoran Ren Daisuke Misaki "
    "Takumi Ji-ho Soo-ah Dong-hyun Eun-ji Thảo Quang Hương Tuấn Chiamaka Emeka Funmilayo Obinna Adaeze Tunde "
    "Blessing Kwabena Akosua Yaw Esi Wanjiru Otieno Njeri Kiprop Mirosław Agnieszka Bohdan Milena Jelena Sigrid "
    "Leif Freja Eirik Dimitra Panagiotis Theodora Emre Zeynep Gökhan Yael Eitan Tamar Anne-Sophie Jean-Luc"
)
FRESH_LAST = words(
    "Whitaker Ashworth Pemberton Holloway Blackwood MacLeod O'Sullivan O'Neill D'Souza Echeverría Castañeda "
    "Villalobos Iglesias Ortega-Ruiz Magalhães Figueiredo Carvalho Albuquerque Al-Mansouri El-Sayed Nasser Barakat "
    "Saleh Tehrani Farahani Moradi Rostami Venkataraman Banerjee Chatterjee Kulkarni Menon Deshpande Chen Lin Xu "
    "Zhou Guo Yamamoto Kobayashi Nakamura Fujii Matsumoto Lee Jung Kang Yoon Shin Đặng Vũ Bùi Phan Ngô Eze Nwosu "
    "Okeke Balogun Adeleke Asante Owusu Appiah Ofori Kamau Ochieng Njoroge Wambua Dąbrowski Zieliński Novák "
    "Popović Kozlova Halvorsen Eriksson Sørensen Virtanen Konstantinou Nikolaidis Çelik Aydın Şahin Arslan Cohen "
    "Levi Ben-David Mizrahi"
)
FRESH_CITIES = words(
    "Leeds|Glasgow|Bristol|Cork|Porto|Valencia|Seville|Gdańsk|Wrocław|Thessaloniki|Izmir|Accra|Kumasi|Mombasa|"
    "Ibadan|Pune|Chennai|Kyoto|Busan|Da Nang|Ho Chi Minh City|Tel Aviv|Tehran|Bergen|Aarhus|Rotterdam|"
    "Düsseldorf|Marseille|Austin|Calgary|Rio de Janeiro|Guadalajara",
    "|",
)
FRESH_COUNTRIES = words(
    "Ghana|Portugal|Greece|Turkey|Norway|South Korea|Ireland|Netherlands|Israel|Sweden|Colombia", "|"
)
FRESH_STREETS = words("Rowan Willow Chestnut Harbour Orchard Meadow Birch Sycamore Juniper Clifton Albert Riverside")
FRESH_STREET_KINDS = words("Crescent Terrace Boulevard Court Place Street Road Avenue")
FRESH_DOMAINS = words("northwind.co fabrikam.com tailspin.io icloud.com hotmail.com gmx.de wingtip-toys.com")
# Unseen-split vocabulary (see the module docstring): no name in common with FIRST, LAST, FRESH_FIRST or FRESH_LAST
# (also after accent folding), and no city or domain in common with the lists above. Dutch particles are written
# as after a first name ("Sanne de Vries"); a surname on its own gets a capital ("Mr De Vries").
UNSEEN_FIRST = words(
    "Maricel Jomar Rowena Lorna Somchai Siriporn Kittisak Nattaya Budi Wulan Dewi Nurul Faizal Azlan Imran Sana "
    "Bilal Mahnoor Tahmina Rafiq Nusrat Shakib Dilani Chaminda Nirosha Tharindu Abebe Selamawit Tigist Hodan "
    "Faadumo Ayaan Youssef Khadija Hicham Zineb Mostafa Nourhan Karim Heba Zsófia Bence Réka Ioana Mihai Andreea "
    "Jiří Tereza Ondřej Mindaugas Kristaps Līga Kadri Sanne Bram Femke Joost Wout Lieselot Pieter-Jan Guðrún "
    "Sigurður Hrafnhildur Rhys Ffion Gethin Cerys Eilidh Ruairidh Catriona Sumaq Inti Wayra Xóchitl Itzel "
    "Cuauhtémoc Citlali Delroy Shanice Kemar Aroha Wiremu Ngaio Kalani Leilani Keoni"
)
UNSEEN_LAST = words(
    "Reyes|Bautista|Dela Cruz|Villanueva|Macaraeg|Srisuk|Wongsawat|Rattanakorn|Boonmee|Wijaya|Susanto|Hartono|"
    "Setiawan|Ismail|Othman|Qureshi|Siddiqui|Malik|Javed|Talukder|Sarker|Bhuiyan|Perera|Jayasuriya|"
    "Wickramasinghe|Bandara|Tadesse|Bekele|Gebremedhin|Haile|Warsame|Jama|Abdi|Benali|El Idrissi|Alaoui|Bennani|"
    "Abdelaziz|Soliman|Fathy|Nagy|Horváth|Szabó|Tóth|Popescu|Ionescu|Dumitru|Dvořák|Svoboda|Procházka|Černý|"
    "Kazlauskas|Bērziņš|Tamm|Ozoliņš|de Vries|van den Berg|Bakker|Visser|Peeters|Janssens|Vermeulen|Van Acker|"
    "Guðmundsdóttir|Sigurðsson|Jónsdóttir|Llewellyn|Pritchard|Gruffydd|MacKinnon|MacDonald|Mamani|Quispe|Huamán|"
    "Condori|Villaseñor|Cuevas|Beckford|Samuels|Persaud|Ngata|Tipene|Parata|Te Rangi|Kealoha|Kahananui|Akana",
    "|",
)
UNSEEN_CITIES = words(
    "Cebu|Davao|Chiang Mai|Surabaya|Yogyakarta|Kuala Lumpur|Penang|Lahore|Faisalabad|Chittagong|Colombo|Kandy|"
    "Addis Ababa|Hargeisa|Casablanca|Marrakesh|Alexandria|Budapest|Debrecen|Cluj-Napoca|Timișoara|Brno|Vilnius|"
    "Riga|Tallinn|Utrecht|Eindhoven|Ghent|Antwerp|Reykjavík|Cardiff|Swansea|Inverness|Edinburgh|Cusco|La Paz|"
    "Monterrey|Oaxaca|Kingston|Port of Spain|Wellington|Christchurch|Honolulu|Pittsburgh|Baltimore|Minneapolis",
    "|",
)
UNSEEN_COUNTRIES = words(
    "Philippines|Thailand|Indonesia|Malaysia|Bangladesh|Sri Lanka|Ethiopia|Morocco|Egypt|Hungary|Romania|"
    "Czech Republic|Lithuania|Latvia|Belgium|Iceland|Peru|Bolivia|Jamaica|New Zealand",
    "|",
)
UNSEEN_STREETS = words(
    "Heather Thistle Lavender Magnolia Aspen Hawthorn Poplar Laurel Linden Primrose Foxglove Kingfisher"
)
UNSEEN_STREET_KINDS = words("Gardens Row Mews Parade Square Street Road Avenue Way")
UNSEEN_US = (("Pittsburgh", "PA", "152"), ("Baltimore", "MD", "212"), ("Minneapolis", "MN", "554"),
             ("Honolulu", "HI", "968"))  # fmt: skip
UNSEEN_UK = (("Cardiff", "CF"), ("Swansea", "SA"), ("Inverness", "IV"), ("Edinburgh", "EH"))
# Continental layout "street number, postcode city"; n = digit, a = upper letter in the postcode pattern.
UNSEEN_EU = (
    ("Kerkstraat", "nnnn aa", "Utrecht"), ("Veldstraat", "nnnn", "Ghent"), ("Laugavegur", "nnn", "Reykjavík"),
    ("Pilies gatvė", "LT-nnnnn", "Vilnius"), ("Brīvības iela", "LV-nnnn", "Riga"), ("Váci utca", "nnnn", "Budapest"),
    ("Údolní", "nnn nn", "Brno"), ("Strada Memorandumului", "nnnnnn", "Cluj-Napoca"),
)  # fmt: skip
UNSEEN_DOMAINS = words(
    "adventure-works.com litware.net proseware.org lucernepublishing.com fourthcoffee.co.uk relecloud.io "
    "yahoo.com zoho.eu mail.ee seznam.cz freemail.hu"
)
MONTHS = words("January February March April May June July August September October November December")
IBAN_BBAN = {  # country -> BBAN layout: n = digit, a = upper letter, c = alphanumeric
    "DE": "nnnnnnnnnnnnnnnnnn", "GB": "aaaannnnnnnnnnnnnn", "FR": "nnnnnnnnnnnnnnnnnnnnnnn",
    "ES": "nnnnnnnnnnnnnnnnnnnn", "NL": "aaaannnnnnnnnn", "IT": "annnnnnnnnncccccccccccc",
    "CH": "nnnnncccccccccccc", "AT": "nnnnnnnnnnnnnnnn", "BE": "nnnnnnnnnnnn", "PL": "n" * 24,
}  # fmt: skip


def _pick(rng: random.Random, items: list[str], split: str) -> str:
    """Dev and held-out samples draw names from disjoint halves of each list; fresh/unseen ones from their own lists."""
    if split == "unseen":
        if items is FIRST:
            return rng.choice(UNSEEN_FIRST)
        if items is LAST:
            name = rng.choice(UNSEEN_LAST)
            return name[0].upper() + name[1:]  # a surname without a first name: "De Vries", "Van den Berg"
        raise ValueError("unseen split: no unseen counterpart for this list")
    if split == "fresh":
        if items is FIRST:
            return rng.choice(FRESH_FIRST)
        if items is LAST:
            return rng.choice(FRESH_LAST)
        raise ValueError("fresh split: no fresh counterpart for this list")
    half = items[0::2] if split == "dev" else items[1::2]
    return rng.choice(half)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _ascii(s: str) -> str:
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower().replace("'", "")


_FOLD = str.maketrans({"Đ": "D", "đ": "d", "ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O"})


def _fresh_ascii(s: str) -> str:
    """Like ``_ascii`` but also folds letters that have no Unicode decomposition (Đ, dotless i, ł, ø)."""
    return _ascii(s.translate(_FOLD))


_UNSEEN_FOLD = str.maketrans({"ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "æ": "ae", "Æ": "Ae", " ": "", "-": ""})


def _unseen_ascii(s: str) -> str:
    """Like ``_fresh_ascii`` but also folds Icelandic letters and drops spaces and hyphens ("Dela Cruz" -> delacruz)."""
    return _fresh_ascii(s.translate(_UNSEEN_FOLD))


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + _digits(rng, length - len(prefix) - 1)
    return next(body + c for c in string.digits if luhn_ok(body + c))


def iban_check(country: str, bban: str) -> str:
    moved = bban + country + "00"
    numeric = "".join(str(int(ch, 36)) for ch in moved)
    return f"{98 - int(numeric) % 97:02d}"


def person(rng: random.Random, split: str) -> str:
    if split == "unseen":
        first, last, roll = rng.choice(UNSEEN_FIRST), rng.choice(UNSEEN_LAST), rng.random()
        if roll < 0.1:
            return f"{first} {rng.choice(string.ascii_uppercase)}. {last}"
        if roll < 0.18:
            return f"{first[0]}. {last}"
        if roll < 0.26:  # two given names (Romanian, Filipino, Welsh ...)
            return f"{first} {rng.choice(UNSEEN_FIRST)} {last}"
        if roll < 0.32:  # two surnames (Andean, Mexican)
            return f"{first} {last} {rng.choice(['Mamani', 'Quispe', 'Huamán', 'Condori', 'Villaseñor', 'Cuevas'])}"
        return f"{first} {last}"
    if split == "fresh":
        first, last, roll = rng.choice(FRESH_FIRST), rng.choice(FRESH_LAST), rng.random()
        if roll < 0.15:
            return f"{first} {rng.choice(string.ascii_uppercase)}. {last}"
        if roll < 0.25:
            return f"{first[0]}. {last}"
        return f"{first} {last}"
    first, last = _pick(rng, FIRST, split), _pick(rng, LAST, split)
    roll = rng.random()
    if roll < 0.12:
        return f"{first} {rng.choice(string.ascii_uppercase)}. {last}"
    return f"{first} {last}"


def email(rng: random.Random, split: str) -> str:
    if split == "unseen":
        first, last = _unseen_ascii(rng.choice(UNSEEN_FIRST)), _unseen_ascii(rng.choice(UNSEEN_LAST))
        local = rng.choice([f"{first}.{last}", f"{first[0]}.{last}", f"{last}{first[0]}", f"{first}{last[0]}",
                            f"{first}.{last}{rng.randint(1, 99)}", f"{first}", f"{last}.{first}"])  # fmt: skip
        return f"{local}@{rng.choice(UNSEEN_DOMAINS)}"
    if split == "fresh":
        first, last = _fresh_ascii(rng.choice(FRESH_FIRST)), _fresh_ascii(rng.choice(FRESH_LAST)).replace(" ", "")
        local = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}{rng.randint(1, 99)}", first,
                            f"{last}.{first}", f"{first}-{last}", f"{first[0]}.{last}"])  # fmt: skip
        return f"{local}@{rng.choice(FRESH_DOMAINS)}"
    first, last = _ascii(_pick(rng, FIRST, split)), _ascii(_pick(rng, LAST, split))
    local = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}{rng.randint(1, 99)}", first])
    return f"{local.replace(' ', '')}@{rng.choice(DOMAINS)}"


def phone(rng: random.Random, split: str) -> str:
    area, ex, line = rng.choice(US_AREAS), f"{rng.randint(2, 9)}{_digits(rng, 2)}", _digits(rng, 4)
    if ex[1:] == "11":
        ex = ex[0] + "23"
    uk_mob = f"07{rng.choice('4579')}{_digits(rng, 2)} {_digits(rng, 6)}"
    uk_ldn = f"20 7{_digits(rng, 3)} {_digits(rng, 4)}"
    de_city = rng.choice(["30", "89", "40", "69", "221"])
    de_sub, de_mob = _digits(rng, 7 if len(de_city) == 3 else 8), f"1{rng.choice(['51', '52', '60', '62', '70', '76'])}"
    formats = [
        f"({area}) {ex}-{line}", f"{area}-{ex}-{line}", f"{area}.{ex}.{line}", f"+1 {area} {ex} {line}",
        f"+1-{area}-{ex}-{line}", f"1-{area}-{ex}-{line}", uk_mob, f"0{uk_ldn}", f"+44 {uk_ldn}",
        f"+44 (0){uk_ldn}", f"+44 {uk_mob[1:]}", f"0{de_city} {de_sub}", f"+49 {de_city} {de_sub}",
        f"0{de_city}/{de_sub}", f"0{de_mob} {_digits(rng, 8)}", f"+49 {de_mob} {_digits(rng, 8)}",
    ]  # fmt: skip
    if split == "heldout":  # formats no dev template shows: does the recognizer generalise?
        formats += [f"+33 6 {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)}",
                    f"+91 98{_digits(rng, 3)} {_digits(rng, 5)}", f"0049 {de_mob} {_digits(rng, 8)}"]  # fmt: skip
    if split == "fresh":  # an international staff's numbers, written after tuning
        d = [_digits(rng, n) for n in (3, 4, 2, 3, 3, 1, 3, 4, 4, 4, 4, 4, 2, 6, 2, 2, 2, 2, 3, 5)]
        formats += [
            f"+1 ({area}) {ex}-{line}", f"{area} {ex} {line}", f"+353 8{rng.choice('357')} {d[0]} {d[1]}",
            f"+34 6{d[2]} {d[3]} {d[4]}", f"+234 80{d[5]} {d[6]} {d[7]}", f"+81 90-{d[8]}-{d[9]}",
            f"+82 10-{d[10]}-{d[11]}", f"+254 7{d[12]} {d[13]}", f"+33 6 {d[14]} {d[15]} {d[16]} {d[17]}",
            f"+91 98{d[18]} {d[19]}",
        ]  # fmt: skip
    if split == "unseen":  # numbers from the unseen split's countries, written without seeing the detector

        def g(n: int) -> str:
            return _digits(rng, n)

        formats += [
            f"+63 917 {g(3)} {g(4)}", f"0917 {g(3)} {g(4)}", f"+66 8{g(1)} {g(3)} {g(4)}", f"+62 812-{g(4)}-{g(4)}",
            f"+60 12-{g(3)} {g(4)}", f"+92 300 {g(7)}", f"+880 1712-{g(6)}", f"+94 77 {g(3)} {g(4)}",
            f"+251 91 {g(3)} {g(4)}", f"+212 6 {g(2)} {g(2)} {g(2)} {g(2)}", f"+20 10 {g(4)} {g(4)}",
            f"+36 30 {g(3)} {g(4)}", f"+40 721 {g(3)} {g(3)}", f"+420 601 {g(3)} {g(3)}", f"+370 612 {g(5)}",
            f"+31 6 {g(8)}", f"06-{g(8)}", f"+32 470 {g(2)} {g(2)} {g(2)}", f"+354 {g(3)} {g(4)}",
            f"+64 21 {g(3)} {g(4)}", f"+1 (876) {ex}-{line}", f"+52 55 {g(4)} {g(4)}", f"+51 9{g(2)} {g(3)} {g(3)}",
            f"+1 808 {ex} {line}",
        ]  # fmt: skip
    return rng.choice(formats)


def card(rng: random.Random, _split: str) -> str:
    kind = rng.choice(["visa", "visa", "mc", "mc2", "amex", "discover"])
    prefix = {"visa": "4", "mc": f"5{rng.randint(1, 5)}", "mc2": str(rng.randint(2221, 2720)), "amex": "37",
              "discover": "6011"}[kind]  # fmt: skip
    number = _luhn_complete(prefix, 15 if kind == "amex" else 16, rng)
    return _group_card(number, rng.choice(["", " ", "-"]))


def _group_card(number: str, sep: str) -> str:
    if len(number) == 15:
        return sep.join([number[:4], number[4:10], number[10:]])
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))


def bad_card(rng: random.Random, split: str) -> str:
    number = card(rng, split)
    last = number[-1]
    return number[:-1] + str((int(last) + rng.randint(1, 9)) % 10)  # a changed check digit fails Luhn


def iban(rng: random.Random, _split: str, valid: bool = True) -> str:
    country = rng.choice(sorted(IBAN_BBAN))
    pools = {"n": string.digits, "a": string.ascii_uppercase, "c": string.ascii_uppercase + string.digits}
    bban = "".join(rng.choice(pools[k]) for k in IBAN_BBAN[country])
    check = iban_check(country, bban)
    if not valid:
        check = f"{(int(check) + rng.randint(1, 50)) % 97 + 2:02d}"
    compact = country + check + bban
    return compact if rng.random() < 0.4 else " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def ssn(rng: random.Random, _split: str) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    raw = (f"{area:03d}", f"{rng.randint(1, 99):02d}", f"{rng.randint(1, 9999):04d}")
    return rng.choice(["-", "-", "-", " "]).join(raw)


NINO_UNUSED = frozenset(words("BG GB KN NK NT TN ZZ"))


def nino(rng: random.Random, _split: str) -> str:
    while (pre := rng.choice("ABCEGHJKLMNOPRSTWXYZ") + rng.choice("ABCEGHJKLMNPRSTWXYZ")) in NINO_UNUSED:
        pass
    d = _digits(rng, 6)
    return rng.choice([f"{pre}{d}{rng.choice('ABCD')}", f"{pre} {d[:2]} {d[2:4]} {d[4:]} {rng.choice('ABCD')}"])


def ip(rng: random.Random, _split: str) -> str:
    def h() -> str:
        return f"{rng.randint(0, 65535):x}"

    return rng.choice([
        f"{rng.choice([10, 172, 192, 203, 81, 34])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        f"192.168.{rng.randint(0, 20)}.{rng.randint(2, 250)}", f"2001:db8:{h()}:{h()}::{h()}",
        f"fe80::{h()}:{h()}:{h()}:{h()}", f"2a00:1450:{h()}:{h()}:{h()}:{h()}:{h()}:{h()}",
    ])  # fmt: skip


def date(rng: random.Random, _split: str, years: tuple[int, int] = (2019, 2026)) -> str:
    y, m, d = rng.randint(*years), rng.randint(1, 12), rng.randint(1, 28)
    mon = MONTHS[m - 1]
    return rng.choice([f"{y}-{m:02d}-{d:02d}", f"{m:02d}/{d:02d}/{y}", f"{d:02d}/{m:02d}/{y}", f"{d:02d}.{m:02d}.{y}",
                       f"{mon} {d}, {y}", f"{d} {mon} {y}", f"{mon[:3]} {d}, {y}"])  # fmt: skip


def dob(rng: random.Random, split: str) -> str:
    return date(rng, split, (1940, 2006))


def passport(rng: random.Random, _split: str) -> str:
    return rng.choice([_digits(rng, 9), rng.choice(string.ascii_uppercase) + _digits(rng, 8)])


def dl(rng: random.Random, _split: str) -> str:
    letter = rng.choice(string.ascii_uppercase)
    return rng.choice([f"{letter}{_digits(rng, 7)}", _digits(rng, 9), _digits(rng, 8),
                       f"{letter}{_digits(rng, 3)}-{_digits(rng, 4)}-{_digits(rng, 4)}",
                       f"{letter}{_digits(rng, 3)}-{_digits(rng, 3)}-{_digits(rng, 2)}-{_digits(rng, 3)}-{_digits(rng, 1)}"])  # fmt: skip  # noqa: E501


def mrn(rng: random.Random, _split: str) -> str:
    return rng.choice([_digits(rng, 8), _digits(rng, 7), f"{rng.choice('HMK')}{_digits(rng, 7)}",
                       f"MR-{_digits(rng, 6)}", f"{rng.randint(10, 99)}-{_digits(rng, 6)}"])  # fmt: skip


def _postcode(rng: random.Random, layout: str) -> str:
    pools = {"n": string.digits, "a": string.ascii_uppercase}
    return "".join(rng.choice(pools[c]) if c in pools else c for c in layout)


def address(rng: random.Random, split: str) -> str:
    if split == "unseen":  # US, UK and continental layouts with postcodes; the whole address is one LOCATION span
        street, roll = f"{rng.choice(UNSEEN_STREETS)} {rng.choice(UNSEEN_STREET_KINDS)}", rng.random()
        if roll < 0.2:
            city, state, zip3 = rng.choice(UNSEEN_US)
            unit = rng.choice(["", f", Apt {rng.randint(1, 30)}{rng.choice('ABC')}", f", Unit {rng.randint(100, 999)}"])
            return f"{rng.randint(100, 9999)} {street}{unit}, {city}, {state} {zip3}{_digits(rng, 2)}"
        if roll < 0.4:
            city, area = rng.choice(UNSEEN_UK)
            unit = rng.choice(["", "", f"Flat {rng.randint(1, 12)}, "])
            return f"{unit}{rng.randint(1, 180)} {street}, {city} {area}{rng.randint(1, 24)} {_postcode(rng, 'naa')}"
        if roll < 0.6:
            name, layout, city = rng.choice(UNSEEN_EU)
            return f"{name} {rng.randint(1, 220)}, {_postcode(rng, layout)} {city}"
        return f"{rng.randint(1, 2400)} {street}, {rng.choice(UNSEEN_CITIES)}"
    if split == "fresh":
        street = f"{rng.randint(1, 2400)} {rng.choice(FRESH_STREETS)} {rng.choice(FRESH_STREET_KINDS)}"
        unit = rng.choice(
            [
                "",
                "",
                "",
                f"Flat {rng.randint(1, 40)}, ",
                f"Apt {rng.randint(1, 40)}, ",
                f"Suite {rng.randint(100, 900)}, ",
            ]
        )
        return f"{unit}{street}, {rng.choice(FRESH_CITIES)}"
    street = f"{rng.randint(1, 2400)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}"
    return f"{street}, {rng.choice(CITIES)}"


def eur(rng: random.Random, _split: str) -> str:
    return rng.choice(
        [
            f"€{rng.randint(20, 9999)}.{_digits(rng, 2)}",
            f"£{rng.randint(5, 999)}.{_digits(rng, 2)}",
            f"{rng.randint(1, 99)}.{_digits(rng, 3)},00 €",
            f"EUR {rng.randint(1, 99)},{_digits(rng, 3)}",
        ]
    )


def timestamp(rng: random.Random, _split: str) -> str:
    h, m, sec = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    return rng.choice(
        [f"{h:02d}:{m:02d} UTC", f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {h:02d}:{m:02d}:{sec:02d}"]
    )


def gitdate(rng: random.Random, _split: str) -> str:
    day, mon = rng.choice(["Mon", "Tue", "Wed", "Thu", "Fri"]), rng.choice(MONTHS)[:3]
    clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    return f"{day} {mon} {rng.randint(1, 28)} {clock} 2025 {rng.choice(['+0000', '+0100', '-0500', '+0530'])}"


def tracking(rng: random.Random, _split: str) -> str:
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
    return rng.choice(
        [f"1Z{_digits(rng, 3)}{letters}{_digits(rng, 10)}", f"JD{_digits(rng, 16)}", f"RR{_digits(rng, 9)}GB"]
    )


# Placeholder -> (entity type or None for an unlabeled distractor, generator).
FIELDS: dict[str, tuple[str | None, Gen]] = {
    "person": ("PERSON", person), "first": ("PERSON", lambda r, s: _pick(r, FIRST, s)),
    "last": ("PERSON", lambda r, s: _pick(r, LAST, s)), "email": ("EMAIL_ADDRESS", email),
    "phone": ("PHONE_NUMBER", phone), "card": ("CREDIT_CARD", card), "iban": ("IBAN_CODE", iban),
    "ssn": ("US_SSN", ssn), "nino": ("UK_NINO", nino), "ip": ("IP_ADDRESS", ip), "dob": ("DATE_OF_BIRTH", dob),
    "us_passport": ("US_PASSPORT", passport), "uk_passport": ("UK_PASSPORT", lambda r, s: _digits(r, 9)),
    "dl": ("US_DRIVER_LICENSE", dl), "mrn": ("MEDICAL_RECORD_NUMBER", mrn),
    "city": ("LOCATION", lambda r, s: r.choice({"fresh": FRESH_CITIES, "unseen": UNSEEN_CITIES}.get(s, CITIES))),
    "country": ("LOCATION", lambda r, s: r.choice({"fresh": FRESH_COUNTRIES, "unseen": UNSEEN_COUNTRIES}.get(s, COUNTRIES))),  # noqa: E501  # noqa: E501
    "address": ("LOCATION", address),
    "date": (None, date), "company": (None, lambda r, s: r.choice(COMPANIES)),
    "product": (None, lambda r, s: r.choice(PRODUCTS)), "bad_card": (None, bad_card),
    "bad_iban": (None, lambda r, s: iban(r, s, valid=False)), "n": (None, lambda r, s: str(r.randint(2, 950))),
    "order": (None, lambda r, s: r.choice([f"#{_digits(r, 7)}", f"A-{_digits(r, 5)}-{_digits(r, 2)}",
                                           f"INV-{r.randint(2019, 2026)}-{_digits(r, 5)}", _digits(r, 10)])),
    "version": (None, lambda r, s: r.choice([f"v{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 99)}",
                                             f"{r.randint(1, 12)}.{r.randint(0, 9)}.{r.randint(0, 99)}.{r.randint(0, 999)}"])),  # noqa: E501
    "uuid": (None, lambda r, s: "-".join(f"{r.getrandbits(4 * n):0{n}x}" for n in (8, 4, 4, 4, 12))),
    "sha": (None, lambda r, s: f"{r.getrandbits(160):040x}"),
    "money": (None, lambda r, s: f"${r.randint(5, 9999)}.{_digits(r, 2)}"),
    # Unlabeled numbers first used by the unseen split.
    "eur": (None, eur), "ts": (None, timestamp), "gitdate": (None, gitdate), "tracking": (None, tracking),
    "ticket": (None, lambda r, s: f"{r.choice(['PLAT', 'BILL', 'SEC', 'HRIS', 'CX', 'FIN'])}-{r.randint(100, 9999)}"),
    "short_sha": (None, lambda r, s: f"{r.getrandbits(28):07x}"),
    "otp": (None, lambda r, s: _digits(r, 6)),
}  # fmt: skip
PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w+))?\}")  # {kind} or {kind:key}, see UNSEEN

# Templates: emails, chat prompts, support tickets, code, logs and forms. {name} is a FIELDS placeholder.
DEV = [
    "Hi {first},\n\nThanks for your call. As discussed, please send the signed contract to {email} by Friday.\n\nBest regards,\n{person}",  # noqa: E501
    "Can you rewrite this email to be more polite? 'Dear {person}, your invoice {order} for {money} is overdue. Call me at {phone} today.'",  # noqa: E501
    "Customer {person} ({email}) reports that card {card} was charged twice for order {order}.",
    "Summarize this ticket: user {person} from {city} cannot log in since the {product} upgrade to {version}. Source IP {ip}.",  # noqa: E501
    "Please update the payroll record: employee {person}, SSN {ssn}, new bank account {iban}.",
    "Patient: {person}\nDOB: {dob}\nMRN: {mrn}\nPhone: {phone}\nAddress: {address}",
    "Draft a reference letter for {person}, who was born on {dob} in {city} and has worked at {company} since {date}.",
    "// TODO({email}): remove the hard-coded fallback number {phone} before release {version}",
    "ERROR auth failed for user={email} ip={ip} request_id={uuid}",
    "Translate to German: My name is {person} and I live at {address}. My phone number is {phone}.",
    "Please verify the applicant's National Insurance number {nino} and British passport number {uk_passport}.",
    "Applicant {person}, US passport no. {us_passport}, driver's license {dl}, date of birth {dob}.",
    "Refund {money} to the card {card}; the customer is {person}, reachable at {phone}.",
    "Our EHR shows medical record number {mrn} for {person}; can you write a discharge summary template?",
    "Wire transfer to {person}, IBAN {iban}, reference {order}. Do not use the old IBAN {bad_iban}, it was rejected.",
    "The card number {bad_card} was declined as invalid, but {card} went through.",
    "Meeting notes {date}: {person} and {person} discussed the {product} migration. Action item for {first}: ping {email}.",  # noqa: E501
    'Fix this JSON: {"name": "{person}", "email": "{email}", "phone": "{phone}", "ssn": "{ssn}"}',
    "Server {ip} (build {version}) rejected the login from {ip} for {email}.",
    "Hello, my name is {person}. I was born {dob} and my SSN is {ssn}. I need help filling out form W-4.",
    "Ship to: {person}, {address}, {country}. Contact: {phone}, {email}.",
    "{person} <{email}> wrote on {date}:\n> Please charge my Visa {card} for the renewal.",
    "Can you check why {person}'s driver license {dl} is flagged in the DMV export? Their DOB is {dob}.",
    "Background check for {person}: SSN {ssn}, previous address {address}, DOB {dob}.",
    "Call {first} on {phone} or {phone} if the {product} cluster in {city} goes down again.",
    "Log: user {email} from {ip} downloaded report {order} ({sha}) at {date}",
    "Please anonymize: {person}, NI number {nino}, lives in {city}, mobile {phone}.",
    "Our vendor {company} invoice {order} lists bank details {iban} and contact {person}.",
    "Hey team, {first} here. My new number is {phone}; the old one is disconnected.",
    "Insurance claim: claimant {person}, date of birth: {dob}, policy {order}, hospital MRN {mrn}.",
    "SELECT * FROM users WHERE email = '{email}' AND last_login_ip = '{ip}';",
    "Write a polite reply to {person} from {city}, {country} who asked about order {order} shipped {date}.",
    "The US passport of {person}: {us_passport}. Expires {date}.",
    "Employee onboarding: {person}\nEmail: {email}\nDL#: {dl}\nSSN: {ssn}\nStart date: {date}",
    "Debug: payment with card={card} failed for customer_id={order}, version {version}",
    "{person} and {person} from the {city} office will join the {product} workshop on {date}.",
    "Please draft a birthday message for {first}, who was born {dob}.",
]
HELDOUT = [
    "Good morning {first}! Quick reminder from {person}: the {product} invoice {order} is due {date}. You can reach me on {phone}.",  # noqa: E501
    "Forwarding the complaint: '{person} says her Mastercard {card} got billed {money} twice.' What should we reply?",
    '{"customer": {"full_name": "{person}", "contact": "{email}", "tel": "{phone}", "dob": "{dob}"}}',
    "Reconcile these payments: {iban} ({person}), {iban} ({person}). The entry {bad_iban} failed validation.",
    "New hire paperwork for {person}: social security number {ssn}, birth date {dob}, home {address}.",
    "Nurse handover: {person} (medical record no. {mrn}) moved to ward 4; next of kin {person}, phone {phone}.",
    "firewall: blocked {ip} -> {ip} port 443 at {date}; rule {version}",
    "Please check the NINO {nino} for {person}; HMRC letter dated {date}.",
    "Driver license number {dl} was issued in {city}. Name on the licence: {person}.",
    "Hi support, I am {person} from {country}. My passport number is {us_passport} and I was born on {dob}.",
    "git commit -m 'Fix crash reported by {email} on {product} {version}'",
    "Could {first} {last} please confirm the transfer to {iban} before {date}?",
    "Card on file: {card}. Backup card {bad_card} was rejected by the bank.",
    "Travel booking for {person}: UK passport {uk_passport}, mobile {phone}, email {email}.",
    "Dear Dr. {last},\nI am writing on behalf of {person} (DOB {dob}) regarding referral {order}.",
    "Our SRE {first} saw traffic from {ip} hitting {product}; escalate to {email}.",
    "Visitor log: {person}, {company}, arrived {date}, badge {order}.",
    "Transcript: 'Yes hi, this is {person} calling from {city}, my number is {phone} and the full card number is {card}.'",  # noqa: E501
    "Update CRM: contact {person} moved to {address}; new landline {phone}.",
    "The applicant ({person}, {email}) listed SSN {ssn} and driver's licence {dl}.",
]
BENIGN_DEV = [
    "Explain the difference between TCP and UDP in simple terms.",
    "Summarize the main arguments for and against remote work in three bullet points.",
    "Write a Python function that parses {version} style version strings and compares them.",
    "Our {product} cluster upgrade to {version} failed with exit code {n}. What should I check first?",
    "Order {order} totaling {money} shipped on {date}; generate a friendly shipping notification template.",
    "Refactor this SQL: SELECT id, total FROM orders WHERE created_at > '{date}' LIMIT {n};",
    "The build {version} has checksum {sha}; is it safe to cache it by that hash?",
    "How do I rotate logs in {product} without losing the request id {uuid}?",
    "Test card number {bad_card} should be rejected by our Luhn validator; write a unit test for it.",
    "Draft a quarterly report outline for {company} covering revenue, churn and hiring.",
    "What is a good regex for dates like {date}?",
    "Convert {money} to euros at a rate of 0.92 and round to two decimals.",
    "Please review this IBAN validator; it should reject {bad_iban} because the checksum is wrong.",
    "The pod restarted {n} times since {date}; here is the event log excerpt with id {uuid}.",
    "Generate ten creative names for a coffee shop that also sells books.",
]
BENIGN_HELDOUT = [
    "Give me a recipe for a vegetarian lasagna for {n} people.",
    "Ticket {order}: the dashboard shows {n} errors after deploying {version}. Suggest a rollback plan.",
    "Why does my invoice {order} show {money} instead of the quoted price?",
    "Write unit tests for a function that validates IBANs; include the invalid example {bad_iban}.",
    "Explain how semantic versioning works using {version} as an example.",
    "Compare {product} and {product} for a small analytics team.",
    "Our release on {date} introduced a regression; write a short postmortem template.",
    "List the steps to rotate an API key in {product} safely.",
    "Is {bad_card} a valid card number? Explain the Luhn check step by step.",
    "Describe the water cycle for a ten-year-old.",
]
# Written after the detector was tuned and evaluated once on "heldout"; evaluated once, never tuned on.
BLIND = [
    "name,email,phone\n{person},{email},{phone}\n{person},{email},{phone}",
    "[{date} 09:14] <{first}> can someone reset the VPN for {person}? their laptop is {ip}",
    "Hey, it's {first}. Wire the deposit to {iban} and text me at {phone} when done.",
    "Tenant: {person}\nPrevious address: {address}\nSSN: {ssn}\nEmployer: {company}",
    'refund_request:\n  customer: {person}\n  card: "{card}"\n  contact: {email}',
    "Pls verify ID for {person} - passport {us_passport}, DOB {dob}, DL {dl}",
    "Thanks {first}! I booked {person} on the 9am flight from {city}; her UK passport number is {uk_passport}.",
    "Lab results for patient {person}, MRN {mrn}, born {dob}, attached. Call the ward on {phone}.",
    "{first} wrote: the NI number on file ({nino}) does not match HMRC records for {person}.",
    "Access from {ip} and {ip} was flagged; account owner {person} ({email}) has been notified.",
]
BLIND_BENIGN = [
    "We upgraded {product} to {version} last night and rotated the key {sha}.",
    "Please translate 'the invoice {order} is overdue' into French.",
    "Total for order {order}: {money}, shipped {date}, build {version}.",
]


# Fresh split: written after all tuning by an author who never saw the detector's code, errors or results.
FRESH = [
    "[10:42] {person}: is the {product} deploy still blocked?\n[10:43] {person}: yes, waiting on {first} to approve\n[10:45] {first}: approved, sorry, was on a call with {company}",  # noqa: E501
    "{first}: can you resend the customer's card? the first one bounced\n{first}: {card}, exp 09/27\n{first}: thanks, charging it now",  # noqa: E501
    "{person}  0:03\nOkay, let's start. Is everyone here?\n\n{person}  0:11\nYes. I need to drop at half past for the {company} call.\n\n{person}  0:15\nI'll share the deck after, my number is {phone} if the link breaks.",  # noqa: E501
    'employee_id,first_name,last_name,email,date_of_birth\nE{n},{first},{last},{email},"{dob}"\nE{n},{first},{last},{email},"{dob}"',
    "| Name | Role | Phone |\n|---|---|---|\n| {person} | Account Manager | {phone} |\n| {person} | Head of Sales | {phone} |",  # noqa: E501
    '{"id": "{uuid}", "assignee": "{person}", "reporter": "{email}", "created": "{date}", "status": "In Progress"}',
    'contacts:\n  - name: {person}\n    role: Data Protection Officer\n    phone: "{phone}"\n  - name: {person}\n    role: Finance Lead\n    email: {email}',  # noqa: E501
    "{first} asked whether we can move the {product} training to Thursday, because she is out on Monday.",
    "ok so {first} said the refund went to the wrong card ({card}), can u draft an apology email for me",
    "From: {person} <{email}>\nTo: {person} <{email}>\nCc: {person}\nSubject: RE: Q3 vendor onboarding ({company})\n\nHi {first}, see the attached W-9.",  # noqa: E501
    "Thanks,\n{person}\nSenior Procurement Manager | {company}\nM: {phone} | {email}",
    "Attendees: {person}, {person}, {person}\nApologies: {first}\nAction items:\n- {first} to follow up with Legal re: the GDPR DPA\n- {first} to share the SOW by Friday",  # noqa: E501
    "OPS-{n} reassigned from {person} to {person}. Reporter: {email}. Priority: P2.",
    '# TODO({first}): don\'t log the raw IBAN ({iban}) here, mask it first\nlogger.info("payment queued", extra={"user": user_id})',  # noqa: E501
    '2025-03-14T09:12:55Z INFO login ok user="{person}" email={email} src={ip} session={uuid}',
    "Per {person}'s note, the contract was countersigned by {person} on {date}.",
    "Ms {last} from the {city} branch called about her passport renewal; passport number {us_passport}, DOB {dob}.",
    "{first}'s laptop ({ip}) keeps dropping off the VPN. Can you check the DHCP lease?",
    "Please prepare the offer letter for {person}, start date {date}, salary {money}/month, National Insurance number {nino}.",  # noqa: E501
    "Name;IBAN;Amount\n{person};{iban};{money}\n{person};{iban};{money}",
    "Pt {person}, MRN {mrn}, DOB {dob}. Seen by Dr {last} today; follow-up booked in 6 weeks.",
    "Agent: Could you confirm the card number on the account?\nCustomer ({person}): sure, it's {card}\nAgent: Thank you. And the phone number?\nCustomer ({person}): {phone}",  # noqa: E501
    "Hi IT, {first} from Finance here. My SSN {ssn} is showing in full on the W-2 preview in Workday. Who can I talk to?",  # noqa: E501
    "Candidate: {person}\nDriver's license: {dl} (issued {date})\nSSN: {ssn}\nCurrent address: {address}",
    "Book {person} on BA117 to {city}; UK passport {uk_passport}, DOB {dob}, mobile {phone}.",
    "{person}  11:02 AM\nthe prod DB at {ip} is at 95% disk\n{person}  11:04 AM\non it. {first}, can you pause the Airflow DAGs?",  # noqa: E501
    'WARN [billing-svc] card declined for customer="{person}" card={card} ip={ip}',
    "Referred by {person} (alumni network). Candidate {person} lives in {city}, {country} and can start on {date}.",
    "Co-authored-by: {person} <{email}>\nReviewed-by: {person} <{email}>",
    "{first} will cover the on-call rotation this weekend; {first} is back on Tuesday.",
    "Send {first}'s replacement badge to {address}. {first} is working from the {city} office until March.",
    "Invitation: 1:1 {first} / {first} @ Wed 3pm\nOrganizer: {email}\nJoin by phone: {phone}",
    "Expense report {order} from {person}: dinner with client {person} ({company}) in {city}, {money}. Paid with corporate card {card}.",  # noqa: E501
    "Hi {first}, the refund could not be sent to {iban}. Could you double-check the IBAN with {person} in Accounts Payable?",  # noqa: E501
    "Claim form | Member: {person} | Member DOB: {dob} | Provider MRN: {mrn} | Contact: {email}",
    "vendor:\n  legal_name: {company}\n  contact_person: {person}\n  tax_id_ssn: {ssn}\n  remit_to: {address}",
    "Approved: {person} (CFO), {person} (Financial Controller). Budget code {order}.",
    "Can you tidy this up? 'Name: {person}, NI: {nino}, address: {address}, tel {phone}'",
    "thanks {first}!! also {first}'s passport number is {us_passport} if you need it for the visa letter",
    "Suspicious login for {email} from {ip} ({country}). If this wasn't you, contact {person} on {phone}.",
    "Interview feedback for {person}: strong on SQL, weaker on system design. Panel: {first}, {first}, {first}.",
]
FRESH_BENIGN = [
    "Can you summarize the Q3 OKRs for the Platform team? Focus on SLA breaches and the migration to {product} {version}.",  # noqa: E501
    "Draft a job description for a Senior Data Engineer (Python, Spark, {product}). Location: remote, EMEA time zones.",
    "Meeting notes, Tuesday sprint review\nAttendees: Platform, Billing, Customer Success\nDecision: freeze the {product} upgrade until Monday.",  # noqa: E501
    "Translate these Spanish release notes into English and Portuguese: 'Versión {version}: corrección de errores en el módulo de facturación.'",  # noqa: E501
    "Order {order} from {company}: 3x Dell Latitude 7440, 2x Logitech MX Keys, total {money}. Shipped {date}.",
    '{"ticket": "INC{n}", "service": "Payments API", "severity": "SEV2", "trace_id": "{uuid}", "status": "Resolved"}',
    "role,department,work_model\nHead of Finance,Finance,Remote\nStaff Engineer,Platform,Hybrid\nOffice Manager,Facilities,On-site",  # noqa: E501
    "Our GDPR and SOC 2 audits are in November. Which HIPAA controls overlap with ISO 27001 Annex A?",
    "Why does Microsoft Teams crash on macOS Sonoma when I share a screen from Google Chrome?",
    "Write a Slack announcement: the Customer Success team moves to Salesforce Service Cloud on Monday, {date}.",
    "Compare Jira, Linear and Asana for a 40-person engineering org. Our stack is GitHub Actions plus {product}.",
    "2025-06-02T14:11:09Z ERROR [checkout-svc] PaymentDeclined order={order} amount={money} retry=3 trace={uuid}",
    "Explain why build {version} (commit {sha}) fails the Terraform plan only in the eu-west-1 region.",
    "Summarize this changelog:\n## {version}\n### Fixed\n- Outlook add-in no longer freezes on Windows 11\n### Changed\n- Dropped support for Python 3.8",  # noqa: E501
    "Suggest a name for our internal Kubernetes operator. Ideas so far: Atlas, Hermes, Orion, Phoenix.",
    "As Chief Revenue Officer, which KPIs should I present to the Board at the January all-hands?",
    "Convert this table to CSV:\n| Region | Q1 | Q2 |\n| EMEA | {money} | {money} |\n| APAC | {money} | {money} |",
    "Our French and German customers report that the Arabic and Hebrew translations render left-to-right in {product} {version}.",  # noqa: E501
    "# TODO: replace the hard-coded retry count ({n}) with a config value before the {version} release",
    "Can Alexa for Business and Microsoft Copilot both read from our SharePoint? Facilities is evaluating them.",
    "Draft a polite reminder to Procurement that purchase order {order} is still awaiting approval from the Finance Director.",  # noqa: E501
    "Rewrite as a LinkedIn post: We're thrilled to announce that {company} has achieved ISO 9001 certification!",
    "The Saturday and Sunday batch jobs overlapped again (job IDs {uuid} and {uuid}). How do I add a mutex in Airflow?",
    "Invoice {order}\nBill to: Accounts Payable, {company}\nPayment terms: Net 30\nAmount due: {money}\nRemittance: see attached advice",  # noqa: E501
    "Which is better for our Vietnamese and Korean support queues, Zendesk or Freshdesk? We handle about {n} tickets a week.",  # noqa: E501
]


# Unseen split: written after "fresh" had been evaluated and studied, by an author who never saw the detector's
# code, errors or results. Evaluate it once. {kind:key} repeats one value ("{email:a}" twice is one address), and
# "{first:a}" after "{person:a}" is that person's first name.
UNSEEN = [
    "HR case note ({date})\nEmployee: {person:a}, Warehouse Supervisor\nRaised by: {person}, HR Business Partner\nSummary: {first:a} says a colleague posted her home address ({address}) in the shift WhatsApp group. {first:a} wants it removed and an apology.",  # noqa: E501
    "## Post-mortem: INC-{n} – card numbers in debug logs\n\n**Impact:** for 41 minutes the checkout service logged full PANs, e.g. `{card}` (customer {email}).\n**Detected by:** {first} (SRE on call)\n**Incident lead:** {person}\n**Follow-up:** purge the log volumes on {ip} and {ip}.",  # noqa: E501
    "CRM › Opportunities › {company} renewal\nLast touch: call with {person:a} (VP Operations) on {date}\nNotes: {first:a} wants a three-year term, but their CFO, Mrs {last}, signs. Loop in {first} from Solutions Engineering before the quote goes out. Direct line: {phone}",  # noqa: E501
    "Macro: Address change confirmation\n---\nHi {first},\n\nWe've updated the delivery address on your account to:\n{address}\n\nIf you didn't ask for this change, reply to this email or call us on {phone}.\n\n{first}, Customer Care",  # noqa: E501
    "INVOICE {order}\nIssued: {date}\nBill to: {person}, {company}\n{address}\n\nPlease pay {eur} by bank transfer to {iban} quoting {order}.",  # noqa: E501
    "SHIP TO:\n{person}\n{address}\n{country}\nTEL {phone}\n\nTRACKING: {tracking}\nWEIGHT: 2.4 kg",
    "Travel request TR-{n}\nTraveller: {person} (name as in passport)\nPassport no.: {us_passport}\nDate of birth: {dob}\nDestination: {city}, departing {date}\nApprover: {person}, Regional Director",  # noqa: E501
    "Onboarding checklist – {person}\n- [x] Laptop couriered to {address}\n- [x] Okta account created ({email})\n- [ ] Payroll: SSN {ssn} received, direct-deposit form pending\n- [ ] Buddy assigned: {first}",  # noqa: E501
    "Performance review 2025 – {person:a}\nReviewer: {person}\nOverall: Exceeds expectations\n{first:a} led the {product} migration almost single-handed and mentored {first} and {first}. Next year I'd like {first:a} to present more at the Monday all-hands.",  # noqa: E501
    "### What\nFixes the crash when a billing email contains a plus sign (reported by {email}).\n\n### How to test\n1. Log in as the QA tenant\n2. Pay with `{card}`\n3. Check that the receipt reaches {email}\n\ncc {first} for review",  # noqa: E501
    "commit {sha}\nAuthor: {person} <{email}>\nDate:   {gitdate}\n\n    Mask IBANs in the nightly export\n\ncommit {sha}\nAuthor: {person} <{email}>\nDate:   {gitdate}\n\n    Bump {product} to {version}",  # noqa: E501
    'Traceback (most recent call last):\n  File "/srv/app/billing/charge.py", line {n}, in charge\n    gateway.authorize(card="{card}", holder="{person}")\nCardError: Your card was declined. (customer={email}, ip={ip})',  # noqa: E501
    "INSERT INTO customers (full_name, email, phone, ssn, dob) VALUES\n  ('{person}', '{email}', '{phone}', '{ssn}', '{dob}'),\n  ('{person}', '{email}', '{phone}', '{ssn}', '{dob}');",  # noqa: E501
    "| Employee | Team | NI number | Home city |\n|:--|:--|:--|:--|\n| {person} | Payroll | {nino} | {city} |\n| {person} | Facilities | {nino} | {city} |",  # noqa: E501
    '<div class="contact-card">\n  <h3>{person:a}</h3>\n  <p>Regional Director, Benelux</p>\n  <a href="mailto:{email:a}">{email:a}</a>\n  <a href="tel:{phone:a}">{phone:a}</a>\n</div>',  # noqa: E501
    "BEGIN:VEVENT\nSUMMARY:Quarterly access review\nDTSTART:20251118T140000Z\nORGANIZER;CN={person}:mailto:{email}\nATTENDEE;CN={person}:mailto:{email}\nLOCATION:Room 4.12 / Teams\nEND:VEVENT",  # noqa: E501
    "Voicemail (0:47) from {phone}:\n\"Hiya, it's {person} from {company}. I'm ringing about my claim, my date of birth is {dob} and the policy is {order}. Call me back on {phone}, ta.\"",  # noqa: E501
    "SMS thread with {phone}\n> Hi, is this {first}? It's Dr {last}'s office.\n< yes speaking\n> Your appointment has moved to {date} at 10:30. Reply STOP to opt out.",  # noqa: E501
    "PRIVATE & CONFIDENTIAL\n\nDear Mr {last},\n\nRe: our client {person:b}, termination of employment\n\nWe act for {person:b} of {address}. Our client's final payslip has still not been issued.\n\nYours sincerely,\n{person}\nPartner, {company} LLP",  # noqa: E501
    "First notice of loss\nPolicyholder: {person}\nDate of birth: {dob}\nIncident: rear-ended near {address} on {date}\nThird party: {person}, driving licence {dl}\nHandler: {first}",  # noqa: E501
    "Student enrolment form\nPupil: {person}\nDate of birth: {dob}\nParent/guardian: {person}\nEmergency contact: {phone}\nHome address: {address}",  # noqa: E501
    "REFERRAL\nTo: Dr {last}, Cardiology\nFrom: Dr {last}, General Practice\n\nThank you for seeing {person} (hospital no. {mrn}, DOB {dob}), who presented with exertional chest pain.",  # noqa: E501
    "Please add {person}, Head of Finance, and {person}, Chief of Staff, to the board-pack distribution list ({email}, {email}).",  # noqa: E501
    'The customer signed the mandate as "{person}", but the card ({card}) is in the name of "{first}".',
    "{first} is off sick today, so {first} will run stand-up. If the {product} jobs fail again, page {first} on {phone}.",  # noqa: E501
    "{person}'s fixed-term contract ends on {date}; please send {first}'s P45 to {email} and copy in Payroll.",
    "SEC-{n}: repeated MFA failures for {email} from {ip} and {ip}. The account belongs to {person} (based in {city}). Locked until we reach them on {phone}.",  # noqa: E501
    "Can you turn these notes into a formal written warning? {first} was late six times in October; line manager is {person}; employee ID E{n}; home address {address}.",  # noqa: E501
    'Summarise this complaint for the account team: "My name is {person} and I have banked with you since 2014. On {date} you took {eur} from my account {iban} without my permission."',  # noqa: E501
    '{"level":"warn","msg":"nino mismatch","claimant":"{person}","nino":"{nino}","client_ip":"{ip}","ts":"{ts}"}',
    "<Employee>\n  <Name>{person}</Name>\n  <SSN>{ssn}</SSN>\n  <BirthDate>{dob}</BirthDate>\n  <Manager>{person}</Manager>\n</Employee>",  # noqa: E501
    "Spoke to {first:a} at {company} today. {first:a}'s boss, {person}, signs off anything over {eur}. Mobile: {phone}.",  # noqa: E501
    "To whom it may concern,\n\nThis letter confirms that {person}, born {dob}, UK passport number {uk_passport}, is employed by {company} as a Senior Analyst and will travel to {city} from {date} for client meetings.",  # noqa: E501
    "Hi {first}, your replacement headset is on its way to {address} (tracking {tracking}). Any questions, {first} in Returns is on {email}.",  # noqa: E501
    "Yesterday: paired with {first} on the {product} bug\nToday: reviewing {person}'s PR #{n}\nBlockers: still waiting for {first} to rotate the DB password on {ip}",  # noqa: E501
    "payee\tiban\tamount\n{person}\t{iban}\t{eur}\n{person}\t{iban}\t{eur}",
    "Access request {ticket}: {person} ({email}) needs read-only access to the {product} replica at {ip}. Approver: {person}, Engineering Manager.",  # noqa: E501
    "Reminder: {first}, your appointment with Dr. {last} is on {date} at 09:40. Please bring your hospital card (MRN {mrn}). To rebook call {phone}.",  # noqa: E501
    "Relocation case: {person} moves from {city} to {city}, {country}, on {date}. New address: {address}. The movers need the US driver's license {dl} and SSN {ssn} for the tax gross-up.",  # noqa: E501
    '> assert user.email == "{email}"\n\nPlease don\'t hard-code a real customer address in tests; {first} flagged this last sprint too. Use the `fake_user` fixture. – {first}',  # noqa: E501
    "Missed call from {person} ({phone}) at 16:20. Disputes the {eur} charge on card {card}; asked that Ms {last} calls back before Friday.",  # noqa: E501
]
UNSEEN_BENIGN = [
    "## Post-mortem: INC-{n} – elevated 5xx on checkout\n**Timeline:** {ts} alert fired; {ts} rollback of {version} started\n**Root cause:** connection-pool exhaustion in {product}\n**Action items:** saturation alerts (owner: SRE team)",  # noqa: E501
    "commit {sha}\nMerge: {short_sha} {short_sha}\nDate:   {gitdate}\n\n    Bump {product} from {version} to {version}",
    "INSERT INTO orders (order_ref, sku, qty, unit_price, created_at) VALUES ('{order}', 'SKU-{n}', 3, {n}.99, '{ts}');",  # noqa: E501
    "| Objective | Owner | Status |\n|---|---|---|\n| Cut p95 latency below 300 ms | Platform Team | On track |\n| Launch the Partner Portal | Product Marketing | At risk |\n| Move billing onto {product} | Finance Systems | Done |",  # noqa: E501
    '<button class="btn btn-primary" data-order="{order}" aria-label="Download invoice">Download PDF</button>\n<span class="badge">Release {version}</span>',  # noqa: E501
    "BEGIN:VEVENT\nSUMMARY:Sprint {n} Planning – Payments Squad\nDTSTART:20260112T093000Z\nRRULE:FREQ=WEEKLY;BYDAY=MO\nUID:{uuid}\nLOCATION:Huddle Room B\nEND:VEVENT",  # noqa: E501
    'Traceback (most recent call last):\n  File "/opt/etl/jobs/load_orders.py", line {n}, in run\n    batch = client.fetch(cursor="{uuid}")\nTimeoutError: {product} did not respond within 30s (attempt 3/5)',  # noqa: E501
    "Macro: Refund processed\n---\nHi there,\n\nGood news: the refund for order {order} ({eur}) has been issued and should appear within 5–10 business days. Ticket {ticket} is now closed.\n\nKind regards,\nThe Support Team",  # noqa: E501
    "Manifest {order}\nCarrier: DHL Express | Service: Economy Select\nPallets: 4 | Gross weight: {n} kg\nTracking: {tracking}\nIncoterms: DAP",  # noqa: E501
    "Write a performance review template for a Staff Engineer with sections for Impact, Collaboration, Technical Leadership and Growth, scored 1–5.",  # noqa: E501
    "Onboarding checklist (week 1)\n- [ ] Finish Security Awareness training in Workday\n- [ ] Request access to Jira, Confluence and {product}\n- [ ] Read the Engineering Handbook, sections 2.1–2.4\n- [ ] Book a 1:1 with your manager for Thursday",  # noqa: E501
    "What does our travel policy say about per diems for conference trips? Cost centre {order}, hotel cap {eur} per night.",  # noqa: E501
    "### Summary\nReplaces the hand-rolled retry loop with tenacity.\n\n### Changes\n- `RetryPolicy` now reads `MAX_ATTEMPTS` from config\n- Bumps the {product} client to {version}\n\nCloses {ticket}. p99 down from 840 ms to 310 ms.",  # noqa: E501
    "Explain the difference between an insurance excess and a deductible, with a worked example for a claim of {eur}.",
    "Summarise clause 14.2 (Limitation of Liability) of our Master Services Agreement, version {version}, in plain English for the Sales team.",  # noqa: E501
    "{ts} INFO [scheduler] job=nightly-reconcile run_id={uuid} rows=48211 duration=312s checksum={sha}",
    "Your Contoso verification code is {otp}. It expires in 10 minutes. Never share this code with anyone.",
    "sku,description,unit_cost,stock\nLT-7440,Dell Latitude 7440,{n}.00,{n}\nMX-KEYS,Logitech MX Keys,{n}.50,{n}",
    "Can we move the Wednesday retro to Friday? March is packed with the SOC 2 audit and the April release freeze starts on the 14th.",  # noqa: E501
    "Translate the job ad for a Bilingual Customer Success Manager (Dutch and Hungarian) into Romanian and Czech.",
    "What's the difference between RTO and RPO, and how do they apply to the DR plan for our {product} cluster? Today RTO is 4h and RPO 15 min.",  # noqa: E501
    "# Quarterly Business Review\n## Agenda\n1. Pipeline ({eur} weighted)\n2. Churn drivers\n3. Headcount plan for Customer Support\n4. AOB",  # noqa: E501
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: invoice-renderer\n  labels:\n    team: billing\nspec:\n  replicas: {n}\n  template:\n    spec:\n      containers:\n        - image: registry.internal/invoice-renderer:{version}",  # noqa: E501
    "{short_sha} (HEAD -> main, origin/main) Merge pull request #{n} from release/{version}",
    "Jira {ticket} duplicates {ticket}; both reference trace {uuid}. Close the newer one and link them.",
]


def render(template: str, rng: random.Random, split: str) -> dict[str, object]:
    text, spans, pos = [], [], 0
    memo: dict[str, str] = {}  # "{kind:key}" placeholders -> value, so a keyed placeholder repeats its value
    for m in PLACEHOLDER.finditer(template):
        text.append(template[pos : m.start()])
        name, key = m.groups()
        kind, gen = FIELDS[name]
        if key is None:
            value = gen(rng, split)
        elif f"{name}:{key}" in memo:
            value = memo[f"{name}:{key}"]
        elif name == "first" and f"person:{key}" in memo:
            value = memo[f"person:{key}"].split()[0]
        else:
            value = gen(rng, split)
            while name == "person" and value.split()[0].endswith("."):  # "K. Bekele" has no first name to reuse
                value = gen(rng, split)
        if key is not None:
            memo[f"{name}:{key}"] = value
        start = sum(map(len, text))
        text.append(value)
        if kind:
            spans.append({"start": start, "end": start + len(value), "entity_type": kind})
        pos = m.end()
    text.append(template[pos:])
    return {"text": "".join(text), "spans": spans}


def build(rng: random.Random) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    groups = (("dev", "t", DEV, 60), ("heldout", "t", HELDOUT, 60), ("dev", "b", BENIGN_DEV, 30),
              ("heldout", "b", BENIGN_HELDOUT, 30), ("blind", "t", BLIND, 40),
              ("blind", "b", BLIND_BENIGN, 30))  # fmt: skip
    for split, kind, templates, repeat in groups:
        for i, template in enumerate(templates):
            for _ in range(repeat):
                rows.append({**render(template, rng, split), "split": split, "template": f"{split}-{kind}{i}"})
    rng.shuffle(rows)
    # The fresh split is drawn only after the older rows have been shuffled and is appended after them: adding
    # its rows to the shuffle above would reorder (and, through the shared generator, rewrite) the older rows.
    fresh: list[dict[str, object]] = []
    for split, kind, templates, repeat in (("fresh", "t", FRESH, 25), ("fresh", "b", FRESH_BENIGN, 20)):
        for i, template in enumerate(templates):
            for _ in range(repeat):
                fresh.append({**render(template, rng, split), "split": split, "template": f"{split}-{kind}{i}"})
    rng.shuffle(fresh)
    # The unseen split follows the same rule: drawn after the fresh rows, shuffled on its own, appended last.
    unseen: list[dict[str, object]] = []
    for split, kind, templates, repeat in (("unseen", "t", UNSEEN, 25), ("unseen", "b", UNSEEN_BENIGN, 20)):
        for i, template in enumerate(templates):
            for _ in range(repeat):
                unseen.append({**render(template, rng, split), "split": split, "template": f"{split}-{kind}{i}"})
    rng.shuffle(unseen)
    return rows + fresh + unseen


def main() -> None:
    rows = build(random.Random(SEED))
    with OUT.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} samples to {OUT}")


if __name__ == "__main__":
    main()
