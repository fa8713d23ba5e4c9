"""Made-up street addresses in the written conventions of 20 countries, for build.py.

A country entry has its English name, street names, (city, postcode pattern, state/province)
triples, and address layouts: single-line layouts and multi-line layouts ("\\n" between lines).
Layouts hold # (a random digit), {n} house number, {street}, {city}, {pc} postcode, {x} state/province/prefecture,
{u} flat/unit. House numbers and postcodes are random (see pools.fill: D digit, L letter).
The recipient's name, a company line and the country line are never part of a layout: build.py
annotates them separately (PERSON, none, LOCATION).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from pools import fill, pick_half


@dataclass(frozen=True)
class Country:
    """How one country writes a postal address."""

    name: str
    streets: list[str]
    cities: list[tuple[str, str, str]]
    one_line: list[str]
    multi_line: list[str]
    number: str = "ND"
    units: tuple[str, ...] = ("",)


# fmt: off
COUNTRIES: dict[str, Country] = {
    "us": Country(
        "USA",
        [
            "Maple Avenue", "Cedar Lane", "Oakridge Drive", "Willow Court", "Harbor View Road", "Pine Street",
            "Elmwood Boulevard", "Sycamore Way", "Lakeshore Drive", "Birch Hollow Lane", "Juniper Terrace",
            "N. Chestnut St.", "W 43rd St", "Old Mill Rd",
        ],
        [
            ("Springfield", "627DD", "IL"), ("Tacoma", "984DD", "WA"), ("Dayton", "454DD", "OH"),
            ("Boise", "837DD", "ID"), ("Raleigh", "276DD", "NC"), ("Albany", "122DD", "NY"),
            ("Tucson", "857DD", "AZ"), ("Savannah", "314DD-DDDD", "GA"),
        ],
        [
            "{n} {street}, {city}, {x} {pc}", "{n} {street} {u}, {city}, {x} {pc}",
            "{n} {street}, {u}, {city} {x} {pc}", "PO Box {n}, {city}, {x} {pc}",
        ],
        [
            "{n} {street}\n{city}, {x} {pc}", "{n} {street}\n{u}\n{city}, {x} {pc}", "P.O. Box {n}\n{city}, {x} {pc}",
            "Unit {n} Box ####\nDPO AE 09###", "PSC ####, Box {n}\nAPO AP 962##",
            "USS Harrier, Unit {n}\nFPO AE 09###",
        ],
        "NDDD", ("Apt 4B", "Suite 210", "#12", "Apt. 3", "Unit 7C", "Ste 1400"),
    ),
    "uk": Country(
        "United Kingdom",
        [
            "Acacia Avenue", "High Street", "Mill Lane", "Church Road", "Station Road", "Victoria Terrace",
            "Queen's Drive", "Albert Street", "Kingsway", "Orchard Close", "Thornbury Crescent", "Meadow Rise",
        ],
        [
            ("Sheffield", "SD DLL", ""), ("Manchester", "MD DLL", ""), ("Bristol", "BSD DLL", ""),
            ("Glasgow", "GD DLL", ""), ("Bath", "BAD DLL", ""), ("Cardiff", "CFDD DLL", ""),
            ("London", "SED DLL", ""), ("York", "YOD DLL", ""),
        ],
        ["{n} {street}, {city} {pc}", "{u}, {n} {street}, {city}, {pc}", "{n} {street}, {city}, {pc}"],
        ["{n} {street}\n{city}\n{pc}", "{u}\n{n} {street}\n{city} {pc}", "{u}, {n} {street}\n{city}\n{pc}"], "ND",
        ("Flat 3", "Flat 2B", "Apartment 11", "Unit 4"),
    ),
    "de": Country(
        "Germany",
        [
            "Hauptstraße", "Bahnhofstraße", "Lindenstraße", "Goethestraße", "Schillerstr.", "Kramergasse",
            "Mühlgasse", "Am Marktplatz", "Gartenweg", "Bergstraße", "Rosenstraße", "Kirchgasse",
        ],
        [
            ("Berlin", "10DDD", ""), ("München", "80DDD", ""), ("Hamburg", "20DDD", ""), ("Köln", "50DDD", ""),
            ("Leipzig", "04DDD", ""), ("Freiburg im Breisgau", "79DDD", ""), ("Nürnberg", "90DDD", ""),
            ("Dresden", "01DDD", ""),
        ],
        ["{street} {n}, {pc} {city}", "{street} {n}a, {pc} {city}", "{street} {n}, D-{pc} {city}"],
        ["{street} {n}\n{pc} {city}", "{street} {n}\n{u}\n{pc} {city}"], "ND",
        ("2. OG links", "Hinterhaus", "c/o Etage 3"),
    ),
    "at": Country(
        "Austria",
        ["Mariahilfer Straße", "Herrengasse", "Schottengasse", "Landstraßer Hauptstraße", "Sporgasse", "Getreidegasse"],
        [("Wien", "1DD0", ""), ("Graz", "80D0", ""), ("Linz", "40D0", ""), ("Salzburg", "50D0", "")],
        ["{street} {n}/{u}, {pc} {city}", "{street} {n}, A-{pc} {city}"], ["{street} {n}/{u}\n{pc} {city}"], "ND",
        ("Top 5", "3/12", "Stiege 2/Top 9"),
    ),
    "ch": Country(
        "Switzerland", ["Bahnhofstrasse", "Seefeldstrasse", "Rue du Rhône", "Marktgasse", "Spalenberg", "Via Nassa"],
        [
            ("Zürich", "80D0", ""), ("Genève", "120D", ""), ("Bern", "30D0", ""), ("Basel", "40D0", ""),
            ("Lugano", "6900", ""),
        ],
        ["{street} {n}, {pc} {city}", "{street} {n}, CH-{pc} {city}"], ["{street} {n}\n{pc} {city}"],
    ),
    "fr": Country(
        "France",
        [
            "rue des Lilas", "rue de la République", "avenue Jean Jaurès", "boulevard Voltaire",
            "rue du Faubourg Saint-Antoine", "allée des Tilleuls", "rue Victor Hugo", "place du Marché",
            "impasse des Glycines", "quai de la Loire",
        ],
        [
            ("Paris", "750DD", ""), ("Lyon", "6900D", ""), ("Marseille", "130DD", ""), ("Toulouse", "310DD", ""),
            ("Nantes", "440DD", ""), ("Lille", "590DD", ""), ("Bordeaux", "330DD", ""), ("Rennes", "350DD", ""),
        ],
        ["{n} {street}, {pc} {city}", "{n} bis {street}, {pc} {city}", "{n}, {street} - {pc} {city}"],
        ["{n} {street}\n{pc} {city}", "{u}\n{n}, {street}\n{pc} {city}"], "ND",
        ("Bâtiment B, 3e étage", "Appt 12", "Résidence Les Pins"),
    ),
    "it": Country(
        "Italy",
        [
            "Via Giuseppe Verdi", "Via Roma", "Corso Vittorio Emanuele II", "Viale dei Mille", "Via Garibaldi",
            "Piazza della Repubblica", "Via San Francesco d'Assisi", "Via dei Coronari",
        ],
        [
            ("Milano", "201DD", "MI"), ("Roma", "001DD", "RM"), ("Torino", "101DD", "TO"), ("Bologna", "401DD", "BO"),
            ("Napoli", "801DD", "NA"), ("Firenze", "501DD", "FI"),
        ],
        ["{street} {n}, {pc} {city} {x}", "{street}, {n} - {pc} {city} ({x})", "{street} {n}/B, {pc} {city}"],
        ["{street} {n}\n{pc} {city} ({x})", "{street}, {n}\n{u}\n{pc} {city} {x}"], "ND",
        ("Scala C, interno 7", "int. 4"),
    ),
    "es": Country(
        "Spain",
        [
            "Calle de Alcalá", "Calle Mayor", "Avenida de la Constitución", "Paseo de Gracia", "Calle Serrano",
            "Gran Vía", "Calle del Pez", "Rambla de Catalunya", "C/ Sierpes", "Plaza del Pilar",
        ],
        [
            ("Madrid", "280DD", ""), ("Barcelona", "080DD", ""), ("Sevilla", "410DD", ""), ("Valencia", "460DD", ""),
            ("Bilbao", "480DD", ""), ("Zaragoza", "500DD", ""),
        ],
        ["{street}, {n}, {u}, {pc} {city}", "{street} {n}, {pc} {city}", "{street}, nº {n}, {pc} {city}"],
        ["{street}, {n}, {u}\n{pc} {city}", "{street} {n}\n{pc} {city}"], "ND", ("3º B", "2.º izq.", "bajo", "5º 2ª"),
    ),
    "pl": Country(
        "Poland",
        [
            "ul. Marszałkowska", "ul. Piotrkowska", "ul. Długa", "al. Jerozolimskie", "ul. Floriańska",
            "ul. Świętokrzyska", "ul. Grunwaldzka", "pl. Solny",
        ],
        [
            ("Warszawa", "0D-DDD", ""), ("Kraków", "3D-DDD", ""), ("Łódź", "9D-DDD", ""), ("Gdańsk", "80-DDD", ""),
            ("Wrocław", "5D-DDD", ""), ("Poznań", "6D-DDD", ""),
        ],
        ["{street} {n}/{u}, {pc} {city}", "{street} {n} m. {u}, {pc} {city}", "{street} {n}, {pc} {city}"],
        ["{street} {n}/{u}\n{pc} {city}"], "ND", ("4", "12", "15A"),
    ),
    "gr": Country(
        "Greece",
        [
            "Λεωφ. Κηφισίας", "Λεωφ. Συγγρού", "Ερμού", "Πανεπιστημίου", "Λεωφ. Αλεξάνδρας", "Τσιμισκή",
            "Leof. Vasilissis Sofias", "Odos Ermou",
        ],
        [("Αθήνα", "1DD DD", ""), ("Θεσσαλονίκη", "54D DD", ""), ("Πάτρα", "26D DD", ""), ("Athens", "10D DD", "")],
        ["{street} {n}, {pc} {city}", "{street} {n}, Τ.Κ. {pc} {city}"], ["{street} {n}\n{pc} {city}"], "ND",
    ),
    "nl": Country(
        "Netherlands",
        [
            "Keizersgracht", "Prinsengracht", "Damrak", "Oudegracht", "Lange Voorhout", "Coolsingel", "Stationsplein",
            "Herengracht", "Vismarkt", "Witte de Withstraat",
        ],
        [
            ("Amsterdam", "10DD LL", ""), ("Utrecht", "35DD LL", ""), ("Den Haag", "25DD LL", ""),
            ("Rotterdam", "30DD LL", ""), ("Eindhoven", "56DD LL", ""), ("Groningen", "97DD LL", ""),
        ],
        ["{street} {n}, {pc} {city}", "{street} {n}-II, {pc} {city}", "{street} {n}A, {pc}  {city}"],
        ["{street} {n}\n{pc} {city}", "{street} {n} hs\n{pc}  {city}"], "NDD",
    ),
    "jp": Country(
        "Japan", ["Marunouchi", "Jingumae", "Roppongi", "Nishi-Shinjuku", "Umeda", "Shijo-dori"],
        [
            ("Chiyoda-ku, Tokyo", "100-DDDD", ""), ("Shibuya-ku, Tokyo", "150-DDDD", ""),
            ("Minato-ku, Tokyo", "106-DDDD", ""), ("Kita-ku, Osaka", "530-DDDD", ""),
        ],
        ["{n} {street}, {city} {pc}", "〒{pc} 東京都千代田区丸の内{n}", "〒{pc} 大阪府大阪市北区梅田{n}"],
        ["{n} {street}\n{city} {pc}", "〒{pc}\n東京都渋谷区神宮前{n}"], "N-D-DD",
    ),
    "in": Country(
        "India",
        [
            "Carter Road", "MG Road", "Linking Road", "100 Feet Road", "Anna Salai", "Park Street", "FC Road",
            "Banjara Hills Road No. 12",
        ],
        [
            ("Mumbai", "4000DD", "Maharashtra"), ("Bengaluru", "5600DD", "Karnataka"),
            ("Chennai", "6000DD", "Tamil Nadu"), ("Kolkata", "7000DD", "West Bengal"),
            ("Pune", "4110DD", "Maharashtra"), ("Hyderabad", "5000DD", "Telangana"),
        ],
        ["{u}, {n} {street}, {city} - {pc}", "{u}, {street}, {city}, {x} {pc}", "{n}, {street}, {city} {pc}"],
        ["{u}\n{n} {street}\n{city} - {pc}\n{x}", "{u},\n{street},\n{city} {pc}"], "ND",
        (
            "Flat 12B, Sea View Apartments", "No. 4, Shanti Niketan", "C-702, Prestige Towers, Indiranagar",
            "House No. 221, Sector 15",
        ),
    ),
    "br": Country(
        "Brazil",
        [
            "Rua Augusta", "Avenida Paulista", "Rua das Flores", "Rua Oscar Freire", "Avenida Atlântica",
            "Rua da Consolação", "Rua Sete de Setembro",
        ],
        [
            ("São Paulo", "0DDDD-DDD", "SP"), ("Rio de Janeiro", "2DDDD-DDD", "RJ"),
            ("Belo Horizonte", "3DDDD-DDD", "MG"), ("Recife", "5DDDD-DDD", "PE"), ("Curitiba", "8DDDD-DDD", "PR"),
        ],
        ["{street}, {n}, {u} - {city} - {x}, {pc}", "{street}, {n} - {city}/{x} - CEP {pc}"],
        ["{street}, {n}, {u}\n{city} - {x}\n{pc}", "{street}, {n}\nCEP {pc} - {city}/{x}"], "NDDD",
        ("apto 32 - Consolação", "sala 1104 - Centro", "bloco B, ap. 71 - Jardins"),
    ),
    "ca": Country(
        "Canada",
        [
            "rue Sherbrooke Ouest", "Yonge Street", "Granville Street", "Jasper Avenue", "rue Saint-Denis",
            "Bank Street", "Portage Avenue", "Spring Garden Road",
        ],
        [
            ("Montréal", "HDL DLD", "QC"), ("Toronto", "MDL DLD", "ON"), ("Vancouver", "VDL DLD", "BC"),
            ("Edmonton", "TDL DLD", "AB"), ("Ottawa", "KDL DLD", "ON"), ("Halifax", "BDL DLD", "NS"),
        ],
        ["{n} {street}, {city}, {x} {pc}", "{u}-{n} {street}, {city} {x}  {pc}"],
        ["{n} {street}\n{city} {x}  {pc}", "{u}-{n} {street}\n{city}, {x} {pc}"], "NDD", ("1204", "7", "310"),
    ),
    "au": Country(
        "Australia",
        [
            "George Street", "Collins Street", "Queen Street", "Hay Street", "King William Street", "Flinders Lane",
            "Bourke Street", "Smith St",
        ],
        [
            ("Sydney", "20DD", "NSW"), ("Melbourne", "30DD", "VIC"), ("Brisbane", "40DD", "QLD"),
            ("Perth", "60DD", "WA"), ("Adelaide", "50DD", "SA"), ("Hobart", "70DD", "TAS"),
        ],
        ["{n} {street}, {city} {x} {pc}", "Unit {u}/{n} {street}, {city} {x} {pc}", "PO Box {n}, {city} {x} {pc}"],
        ["{n} {street}\n{city} {x} {pc}", "Level {u}, {n} {street}\n{city} {x} {pc}"], "ND", ("5", "12", "3"),
    ),
    "se": Country(
        "Sweden", ["Drottninggatan", "Kungsgatan", "Storgatan", "Vasagatan", "Sveavägen", "Linnégatan"],
        [("Stockholm", "11D DD", ""), ("Göteborg", "41D DD", ""), ("Malmö", "21D DD", ""), ("Uppsala", "75D DD", "")],
        ["{street} {n}, {pc} {city}", "{street} {n} lgh 1102, {pc} {city}"], ["{street} {n}\n{pc} {city}"],
    ),
    "fi": Country(
        "Finland",
        ["Mannerheimintie", "Hämeenkatu", "Aleksanterinkatu", "Pohjoisesplanadi", "Kauppakatu", "Runeberginkatu"],
        [("Helsinki", "00DD0", ""), ("Tampere", "33DD0", ""), ("Turku", "20DD0", ""), ("Oulu", "90DD0", "")],
        ["{street} {n} B 22, {pc} {city}", "{street} {n}, {pc} {city}"],
        ["{street} {n} A 4\n{pc} {city}", "{street} {n}\n{pc} {city}"],
    ),
    "hu": Country(
        "Hungary", ["Andrássy út", "Váci utca", "Király utca", "Rákóczi út", "Bartók Béla út", "Széchenyi tér"],
        [("Budapest", "1DD2", ""), ("Debrecen", "40DD", ""), ("Szeged", "67DD", ""), ("Pécs", "76DD", "")],
        ["{pc} {city}, {street} {n}.", "{city}, {street} {n}. III/2, {pc}"],
        ["{city}\n{street} {n}.\n{pc}", "{pc} {city}\n{street} {n}. 2. em. 5."],
    ),
    "mx": Country(
        "Mexico", ["Av. Insurgentes Sur", "Calle Madero", "Paseo de la Reforma", "Av. Juárez", "Calle Hidalgo"],
        [("Ciudad de México, CDMX", "0DDDD", ""), ("Guadalajara, Jal.", "44DDD", ""), ("Monterrey, N.L.", "64DDD", "")],
        ["{street} {n}, Col. Centro, {pc} {city}", "{street} {n} Int. 4, Col. Roma Norte, {pc} {city}"],
        ["{street} {n}\nCol. Del Valle\n{pc} {city}"], "NDDD",
    ),
    "ng": Country(
        "Nigeria",
        ["Adeola Odeku Street", "Awolowo Road", "Allen Avenue", "Ahmadu Bello Way", "Herbert Macaulay Way"],
        [("Victoria Island, Lagos", "1012DD", ""), ("Ikoyi, Lagos", "1012DD", ""), ("Garki, Abuja", "9000DD", "")],
        ["{n} {street}, {city}", "Plot {n}, {street}, {city} {pc}"],
        ["{n} {street}\n{city}", "Plot {n}, {street}\n{city} {pc}"],
    ),
}
# fmt: on


def make_address(rng: random.Random, code: str, half: int | None, multi: bool) -> str:
    """A made-up address in `code`'s layout: street line(s) through postcode and city."""
    country = COUNTRIES[code]
    street = rng.choice(pick_half(country.streets, half))
    city, pc, region = rng.choice(country.cities)
    layout = rng.choice(country.multi_line if multi else country.one_line)
    digits = "".join(str(rng.randint(0, 9)) if ch == "#" else ch for ch in layout)
    return digits.format(
        n=fill(rng, country.number), street=street, city=city, pc=fill(rng, pc), x=region, u=rng.choice(country.units)
    )
