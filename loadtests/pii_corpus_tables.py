"""The value tables of the PII corpus generator (``loadtests.make_pii_corpus``): names, places,
domains and formats per split. Space-separated strings are split once: tables, not code."""

from __future__ import annotations


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
UNSEEN_US = (
    ("Pittsburgh", "PA", "152"),
    ("Baltimore", "MD", "212"),
    ("Minneapolis", "MN", "554"),
    ("Honolulu", "HI", "968"),
)
UNSEEN_UK = (("Cardiff", "CF"), ("Swansea", "SA"), ("Inverness", "IV"), ("Edinburgh", "EH"))
# Continental layout "street number, postcode city"; n = digit, a = upper letter in the postcode pattern.
UNSEEN_EU = (
    ("Kerkstraat", "nnnn aa", "Utrecht"),
    ("Veldstraat", "nnnn", "Ghent"),
    ("Laugavegur", "nnn", "Reykjavík"),
    ("Pilies gatvė", "LT-nnnnn", "Vilnius"),
    ("Brīvības iela", "LV-nnnn", "Riga"),
    ("Váci utca", "nnnn", "Budapest"),
    ("Údolní", "nnn nn", "Brno"),
    ("Strada Memorandumului", "nnnnnn", "Cluj-Napoca"),
)
UNSEEN_DOMAINS = words(
    "adventure-works.com litware.net proseware.org lucernepublishing.com fourthcoffee.co.uk relecloud.io "
    "yahoo.com zoho.eu mail.ee seznam.cz freemail.hu"
)
MONTHS = words("January February March April May June July August September October November December")
IBAN_BBAN = {  # country -> BBAN layout: n = digit, a = upper letter, c = alphanumeric
    "DE": "nnnnnnnnnnnnnnnnnn",
    "GB": "aaaannnnnnnnnnnnnn",
    "FR": "nnnnnnnnnnnnnnnnnnnnnnn",
    "ES": "nnnnnnnnnnnnnnnnnnnn",
    "NL": "aaaannnnnnnnnn",
    "IT": "annnnnnnnnncccccccccccc",
    "CH": "nnnnncccccccccccc",
    "AT": "nnnnnnnnnnnnnnnn",
    "BE": "nnnnnnnnnnnn",
    "PL": "n" * 24,
}
