"""The lexicon of ``pii_address``: street-type words by where a language puts them, postcodes, countries, cues.

Written by hand from the address conventions of the countries named (how each writes a street
line, a postcode, a box), not copied from any evaluation set or generator. Street words are
lower case, abbreviations without their dot.
"""

from __future__ import annotations

import re


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Street types written after the name, the number before both: "221B Baker Street", "12 Nehru Marg".
AFTER_NAME = words(
    "street st avenue ave av road rd lane ln drive dr way close boulevard blvd court ct place pl terrace tce "
    "crescent cres parkway pkwy square sq row gardens gdns highway hwy circle cir trail trl parade pde grove "
    "mews walk alley path plaza loop esplanade quay wharf rise broadway drv expressway expy freeway fwy pike "
    "turnpike marg nagar chowk gali salai colony enclave vihar layout bagh"
)
# Types written before the name, the number before them: "12 rue de la Paix", "5 bis, avenue Foch".
BEFORE_NAME_NUMBER_FIRST = words(
    "rue avenue av boulevard bd bld chemin ch allée allee impasse imp place pl quai cours route rte faubourg "
    "passage square sentier montée rond-point voie"
)
# Types written first, the number last: "Via Roma 15", "Calle Mayor 5", "ul. Marszałkowska 84/92".
TYPE_FIRST = words(
    "via viale piazza piazzale p.zza corso c.so largo vicolo strada lungomare calle c/ avenida avda av "
    "plaza pza paseo pº camino carrera ronda travesía travesia glorieta rambla rua travessa praça praca "
    "alameda estrada ul ulica al aleja pl plac os osiedle λεωφ λεωφόρος οδός οδος rue avenue boulevard bd "
    "chaussée chaussee place quai chemin str strada bulevardul bd-ul calea sector jalan jl "
    "calzada privada cerrada blvd lungarno borgo salita contrada rodovia rod beco ladeira aleje leof leoforos "
    "odos πλατεία πλ"
)
# Of those, the ones that are no English word and no common abbreviation: a street even in lower case
# ("ul. Marszałkowska 84", "rua Augusta 100"). Lower-case "via", "al.", "pl.", "plaza" are prose more often.
TYPE_FIRST_ANY_CASE = frozenset(
    words(
        "ul ulica aleja aleje osiedle plac rue calle avenida avda rua travessa praça praca piazza piazzale viale "
        "corso vicolo strada lungomare lungarno calzada λεωφ λεωφόρος οδός οδος leof leoforos chaussée bulevardul "
        "calea paseo glorieta rambla carrera travesía"
    )
)
# Types written after the name as a word of their own, the number last: "Kärntner Straße 5", "Váci utca 12".
WORD_AFTER_NAME = words(
    "straße strasse str gasse weg platz allee damm ufer chaussee utca u. út körút tér köz gate gata veien "
    "vegen vei straat laan gracht plein kade singel dijk caddesi cad cd sokak sokağı sk bulvarı iela gatvė "
    "ulice třída náměstí nám krt sétány rakpart mahallesi mah"
)
# A street name compounded with its type, then the number: "Hauptstraße 12", "Kalverstraat 92".
COMPOUND_SUFFIXES = words(
    "straße strasse str\\. gasse weg platz allee damm ufer chaussee steig pfad markt "
    "straat laan gracht plein kade singel dijk steeg markt dreef "
    "gatan vägen gränd torget backen stigen allén "
    "gade vej stræde torv plads allé "
    "katu tie kuja polku tori väylä "
    "gata gate veien vegen vegur gata stræti"
)
# Words that start a post office box or a military address rather than a street line.
SPECIAL = frozenset(
    {
        "apo",
        "fpo",
        "dpo",
        "box",
        "pob",
        "bp",
        "b.p",
        "postfach",
        "postbus",
        "postboks",
        "apartado",
        "apdo",
        "postilokero",
        "pl",
        "caixa",
        "casella",
        "skrytka",
        "boîte",
        "boite",
        "bag",
        "casilla",
        "p.m.b",
    }
)
NOT_COMPOUND = frozenset({"brigade", "renegade", "escapade", "barricade", "gate", "tie", "weg", "markt", "vej"})
ORDINARY_WORDS = frozenset(
    words(
        "the a an and or of to in on at by for with from my our your his her their this that these those is are was "
        "were be it its we i you he she they then but so as if"
    )
)
CONNECTORS = frozenset(
    words(
        "de del della delle dei degli di da dos das do du des la le les l' d' van von der den ter te het y e "
        "of the on upon am an im zum zur sur sous en"
    )
)
MONTHS_AND_DAYS = frozenset(
    words(
        "january february march april may june july august september october november december jan feb mar apr "
        "jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday"
    )
)
# "5 Things Wall Street Got Wrong": a count of something, not a house number, when one of these follows it.
COUNTED = frozenset(
    words(
        "things ways reasons tips steps days years times ideas lessons questions facts signs rules people stocks "
        "companies games books movies films songs players teams points minutes hours weeks months miles shares "
        "trades banks firms deals jobs lines users items apps tools charts takeaways mistakes myths secrets tricks "
        "habits rounds laps bars floors stores shops"
    )
)
# A number after one of these is a chapter, a step, a version: "Chapter 12 Road to ...".
NOT_A_HOUSE_NUMBER = re.compile(
    r"(?<![\w])(?:chapter|ch|section|sec|part|episode|ep|season|volume|vol|page|p|pp|step|level|phase|stage|act"
    r"|scene|book|figure|fig|table|lesson|week|day|round|game|track|version|v|release|issue|item|rule|article|art|clause"
    r"|paragraph|top|number|line|row|col|column|exhibit|appendix|grade|class|route|exit|gate|platform)\.?\s*$",
    re.IGNORECASE,
)

POSTCODE = (
    r"(?:[A-Z]{1,3}-)?(?:[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}|[A-Z]\d[A-Z][ \t]?\d[A-Z]\d|\d{4}[ \t]?[A-Z]{2}(?![\w])"
    r"|〒?\d{3}-\d{4}|\d{5}-\d{3,4}|\d{4}-\d{3}|\d{2}-\d{3}|\d{3}[ \t]\d{2,3}|\d{4,6})(?![\w-])"
)
COUNTRIES = (
    "USA|U\\.S\\.A\\.|United States(?: of America)?|US|UK|U\\.K\\.|United Kingdom|England|Scotland|Wales|Ireland"
    "|Germany|Deutschland|France|Italy|Italia|Spain|España|Portugal|Brazil|Brasil|Poland|Polska|Greece|Ελλάδα"
    "|Hellas|Netherlands|The Netherlands|Nederland|Belgium|Belgique|België|Sweden|Sverige|Denmark|Danmark"
    "|Norway|Norge|Finland|Suomi|Hungary|Magyarország|Austria|Österreich|Switzerland|Schweiz|Suisse|Svizzera"
    "|Japan|India|Canada|Australia|New Zealand|Mexico|México|Argentina|Czech Republic|Czechia|Česko"
    "|Luxembourg|Romania|România|Turkey|Türkiye|Singapore|South Africa|Nigeria|Kenya|Ghana|Egypt|Morocco|China"
    "|South Korea|Korea|Taiwan|Hong Kong|Vietnam|Thailand|Malaysia|Indonesia|Philippines|Pakistan|Bangladesh"
    "|Sri Lanka|Israel|Saudi Arabia|United Arab Emirates|UAE|Qatar|Russia|Ukraine|Slovakia|Slovenia|Croatia"
    "|Serbia|Bulgaria|Lithuania|Latvia|Estonia|Iceland|Chile|Colombia|Peru|Venezuela|Uruguay|Ecuador"
)
CUES = (
    "address",
    "addr",
    "adresse",
    "anschrift",
    "dirección",
    "direccion",
    "domicilio",
    "indirizzo",
    "endereço",
    "endereco",
    "morada",
    "adres",
    "adresa",
    "osoite",
    "adress",
    "cím",
    "διεύθυνση",
    "live at",
    "lives at",
    "living at",
    "located at",
    "ship to",
    "deliver to",
    "send to",
    "mail to",
    "moved to",
    "resides",
    "residing",
    "wohnhaft",
    "wohnt",
    "habite",
    "vive en",
    "abito",
    "mora",
    "woont",
    "bor på",
    "asuu",
    "mieszka",
    "post to",
    "live on",
    "lives on",
    "living on",
    "located on",
    "staying at",
    "stay at",
    "reside at",
    "visit us at",
    "find us at",
    "office at",
    "office is at",
    "home at",
    "house at",
    "flat at",
    "apartment at",
    "deliver it to",
    "ship it to",
    "send it to",
    "return to",
    "pick up at",
    "pickup at",
    "drop off at",
    "meet at",
    "meet me at",
)
