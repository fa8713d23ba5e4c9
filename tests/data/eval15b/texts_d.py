"""Hand-written marked-up texts: code and git logs, letters, travel itineraries."""

TEXTS: list[tuple[str, str]] = [
    # ---------------------------------------------------------------- code
    (
        "code",
        """\
Why does this rebase keep failing?

commit 9f3e2a1c7d40b8e6f1a2c3d4e5f60718293a4b5c
Author: [[P:Priya Raman]] <[[E:priya.raman@quillstack.io]]>
Date:   Tue Dec 1 16:22:09 2026 +0530

    Fix off-by-one in pagination cursor""",
    ),
    (
        "code",
        """\
# utils/retry.py
# Author: [[P:Sebastián Quiroga Henao]] ([[E:squiroga@andesoft.co]])
# Reviewed-by: [[P:Hye-jin Yoon]]
def backoff(attempt: int, base: float = 0.5) -> float:
    # Cap at 30s; [[P:Hye-jin]] saw thundering herds above that.
    return min(30.0, base * 2**attempt)""",
    ),
    (
        "code",
        """\
Explain this error:
Traceback (most recent call last):
  File "app/main.py", line 42, in <module>
    config = load_config("settings.toml")
  File "app/config.py", line 17, in load_config
    raise KeyError("database.url")
KeyError: 'database.url'""",
    ),
    (
        "code",
        """\
$ git shortlog -sne --since=2026-11-01
    41  [[P:Oluwatobi Fashanu]] <[[E:tobi@fashanu.dev]]>
    23  [[P:Mirela Dobrev]] <[[E:mirela.dobrev@kodbalkan.bg]]>
    17  [[P:Kaito Nishimura]] <[[E:kaito.n@hoshiworks.jp]]>
     4  dependabot[bot] <[[E:bot@deps.quillstack.io]]>""",
    ),
    (
        "code",
        """\
# CODEOWNERS
/payments/   [[P:@fiona.gallagher]] [[P:@tariq.aziz]]
/search/     @search-team
/infra/      [[P:@bogdan.ionescu]] @sre-oncall
*.md         @docs-team""",
    ),
    (
        "code",
        """\
Refactor this to use a dataclass:

class Invoice:
    def __init__(self, number, amount, currency="EUR", due_days=30):
        self.number = number
        self.amount = amount
        self.currency = currency
        self.due_days = due_days""",
    ),
    (
        "code",
        """\
{
  "name": "tessera-ui",
  "version": "2.8.1",
  "author": "[[P:Anneliese Hofbauer]] <[[E:anneliese@tessera-ui.at]]>",
  "contributors": ["[[P:Rafał Kubiak]] <[[E:rafal.kubiak@tessera-ui.at]]>", "[[P:Zeynep Arslan]]"],
  "license": "MIT"
}""",
    ),
    (
        "code",
        """\
// TODO([[P:mkowalski]]): remove once the v3 API is live
// HACK: [[P:Dimitra]] says the legacy endpoint returns 200 with an error body
const LEGACY_TIMEOUT_MS = 8000;
// See discussion with [[P:Adebola]] on PR #2291""",
    ),
    (
        "code",
        """\
Write a unit test for this function:

def parse_version(s: str) -> tuple[int, int, int]:
    major, minor, patch = s.split(".")
    return int(major), int(minor), int(patch)

It should accept "1.10.3" and reject "1.10".""",
    ),
    (
        "code",
        """\
commit 4b1d77e
Merge: a9c0e12 6f2b3d4
Author: [[P:Ngo Thanh Tung]] <[[E:tung.ngo@mekongcode.vn]]>
    Merge pull request #318 from [[P:ha-linh]]/feature/export

commit a9c0e12
Author: [[P:Ha Linh Vu]] <[[E:halinh.vu@mekongcode.vn]]>
    Add CSV export""",
    ),
    (
        "code",
        """\
-- migration 0042_add_customer_contact.sql
-- requested by [[P:Ifeoma Chukwu]] (support), approved by [[P:Gareth Pryce-Jones]]
INSERT INTO contacts (name, email, phone) VALUES
  ('[[P:Tevita Fifita]]', '[[E:tevita.fifita@tongalink.to]]', '[[PH:+676 771 4405]]');""",
    ),
    (
        "code",
        """\
Dockerfile review please:
FROM python:3.11-slim
LABEL maintainer="[[P:Luo Xiaoming]] <[[E:luo.xm@yunqi-cloud.cn]]>"
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["gunicorn", "-w", "4", "app:server"]""",
    ),
    (
        "code",
        """\
Signed-off-by: [[P:Bartholomew Ashworth]] <[[E:bart.ashworth@kernel-mail.org]]>
Co-authored-by: [[P:Shreya Kulkarni]] <[[E:shreya.k@pune-labs.in]]>
Reported-by: [[P:Jonáš Havel]] <[[E:jonas.havel@seznamka.cz]]>
Fixes: 3e1f9a2 ("net: handle short reads")""",
    ),
    (
        "code",
        """\
""\"Geocoding helper.

Maintainer: [[P:Ayelet Shapira]] ([[E:ayelet@mapgrid.co.il]])
Default fallback city is [[L:Tel Aviv]]; change it in settings for other regions.
""\"
DEFAULT_ZOOM = 12""",
    ),
    (
        "code",
        """\
Why is this regex slow? ^(a+)+$ on the input "aaaaaaaaaaaaaaaaaaaaaaaa!" takes seconds in \
Python 3.12 but the Rust regex crate returns instantly. Is it catastrophic backtracking?""",
    ),
    (
        "code",
        """\
# seed data for the demo environment - fake people only
USERS = [
    {"name": "[[P:Marguerite Aubert]]", "city": "[[L:Lyon]]"},
    {"name": "[[P:Tenzin Dorji]]", "city": "[[L:Thimphu]]"},
    {"name": "[[P:Kalani Akana]]", "city": "[[L:Hilo]]"},
]""",
    ),
    (
        "code",
        """\
git blame says line 88 came from [[P:Eóin Mac Carthaigh]] in 2021:
88  ^c41e2f0 ([[P:Eóin Mac Carthaigh]] 2021-06-14 11:03:52 +0100)  if retries > MAX_RETRIES:
Is it safe to remove the guard?""",
    ),
    (
        "code",
        """\
Makefile targets: build, test, lint, fmt, release. "make release" tags the commit as vX.Y.Z, \
builds wheels for cp311 and cp312, and uploads to the internal index. Set RELEASE_DRY_RUN=1 \
to skip the upload.""",
    ),
    (
        "code",
        """\
@pytest.fixture
def customer():
    # Contact from the bug report by [[P:Oyinda]]; number is in the fictional range.
    return Customer(name="[[P:Rhys Llewellyn-Price]]", phone="[[PH:029 2018 0462]]", \
email="[[E:rhys.lp@cardiffmail.test]]")""",
    ),
    (
        "code",
        """\
[alias]
    lg = log --oneline --graph
[user]
    name = [[P:Soraya Benhaddou]]
    email = [[E:soraya.benhaddou@atlaslabs.ma]]""",
    ),
    (
        "code",
        """\
PR description: "Closes #742. Adds retry to the webhook sender. Tested manually with the \
staging endpoint. Thanks [[P:@nadia.petrenko]] for the repro and [[P:@joao.martins]] for the \
review." Can you make it more detailed?""",
    ),
    (
        "code",
        """\
# Copyright 2026 [[P:Wolfgang Reitmayr]] and [[P:Sakura Endo]]
# SPDX-License-Identifier: Apache-2.0
#
# Ported from the original Fortran by [[P:E. T. Halloran]] ([[L:Bozeman]], 1994).""",
    ),
    (
        "code",
        """\
kubectl get pods -n billing
NAME                          READY   STATUS             RESTARTS   AGE
invoice-worker-6d9f7c-x2kq8   0/1     CrashLoopBackOff   14         37m
invoice-api-5b8c6d-p9lmt      1/1     Running            0          2d
What should I check first?""",
    ),
    # ---------------------------------------------------------------- letter
    (
        "letter",
        """\
HALVERSON & DAUGHTERS ARCHITECTS
[[A:3 Mill Lane, Ludlow SY8 1BB]]
Tel [[PH:01584 496 210]] · [[E:studio@halversondaughters.co.uk]]

Dear Mr and Mrs [[P:Adewale]],
Thank you for choosing us for your extension. [[P:Rosamund Halverson]] will visit on Tuesday.

Yours sincerely,
[[P:Imogen Carter-Blythe]]
Practice Manager""",
    ),
    (
        "letter",
        """\
Proofread my cover letter:

Dear Hiring Manager,
I am applying for the Logistics Coordinator role. In my current job I plan routes for a fleet \
of 40 vehicles and cut fuel costs by 12% last year. I am available from January and would \
welcome the chance to discuss the role.
Kind regards""",
    ),
    (
        "letter",
        """\
Dr. [[P:Kavita Menon]]
Consultant Dermatologist
Apollo Skin Centre, [[A:21 Greams Road, Chennai 600006]]
Phone: [[PH:+91 44 2829 3317]]

To whom it may concern: Mr. [[P:Arjun Pillai]] is under my care and should avoid prolonged sun \
exposure during outdoor work.""",
    ),
    (
        "letter",
        """\
Write a thank-you note to my neighbour [[P:Bronwyn]] for watering the plants while we were in \
[[L:Portugal]]. Sign it from me and [[P:Hamish]]. Her address for the envelope is \
[[A:11 Rowan Crescent, Dunedin 9010]].""",
    ),
    (
        "letter",
        """\
                                                    [[A:14 Gartmore Gardens
                                                    Stirling FK8 2QR]]
                                                    4 December

Dear Councillor [[P:MacKenzie]],
I write about the closure of the footbridge by the river...

[[P:Morag Sinclair]]""",
    ),
    (
        "letter",
        """\
Dear Valued Customer,
We are writing to let you know that from 1 February our standard delivery charge will change \
from £3.95 to £4.50. Orders over £40 still ship free. Thank you for shopping with us.
Customer Services Team""",
    ),
    (
        "letter",
        """\
[[P:Yosef Abramov]]
[[A:ul. Marszałkowska 84/92 m. 15
00-514 Warszawa]]
[[L:Poland]]

Szanowna Pani [[P:Bożena Lewandowska]],
w nawiązaniu do rozmowy telefonicznej przesyłam umowę.""",
    ),
    (
        "letter",
        """\
Reference for Miss [[P:Felicity Ogunbiyi]]

I have known [[P:Felicity]] for four years as her form tutor at a school in [[L:Croydon]]. She is \
diligent and kind. Please contact me at [[E:r.whitlock@stmarysacademy.org.uk]] if you need more.

[[P:Ruth Whitlock]]""",
    ),
    (
        "letter",
        """\
Letter to the editor: Sir, your article on the Brexit trade deal overlooked the impact on small \
exporters. Since January, paperwork for a single pallet has tripled. The Chamber of Commerce \
surveys say the same. Something must change before the review next year.
[[P:Gordon Blackwood]], [[L:Aberdeen]]""",
    ),
    (
        "letter",
        """\
株式会社ミドリ商事
〒[[A:530-0001 大阪府大阪市北区梅田3-1-3]]
電話 [[PH:06-6345-8821]]
[[P:田中 直樹]] 様
拝啓 平素より格別のご高配を賜り、厚く御礼申し上げます。
担当：[[P:中村 美咲]]""",
    ),
    (
        "letter",
        """\
Dear Abuelita... no wait, make it formal: Dear Señora [[P:Inés Carrasco Molina]], we are \
delighted to invite you to the 50th anniversary dinner in [[L:Santiago]] on 20 March.""",
    ),
    (
        "letter",
        """\
Signature block for my emails, please format it nicely:
[[P:Kerubo Nyamweya]] | Regional Sales Lead, [[L:East Africa]]
Mobile [[PH:+254 733 518 902]] | [[E:kerubo.nyamweya@savannatech.co.ke]]
[[A:Pinetree Plaza, 4th Floor, Kaburu Drive, Nairobi]]""",
    ),
    (
        "letter",
        """\
Condolence letter draft: Dear Mrs [[P:Dimitriou]], we were very sorry to hear of the passing of \
[[P:Andreas]]. He was a wonderful colleague in our [[L:Limassol]] office for over twenty years. \
With deepest sympathy, [[P:Charlotte]] and everyone at the firm.""",
    ),
    (
        "letter",
        """\
Dear Sir or Madam,
I am writing to complain about the service I received on 28 November. My order arrived late and \
one item was missing. I have attached the receipt. I would like a full refund for the missing \
item and the delivery charge.
Yours faithfully""",
    ),
    (
        "letter",
        """\
[[P:FATIMA BELLO]]
[[A:PLOT 22, ADEOLA ODEKU STREET
VICTORIA ISLAND, LAGOS 101241]]

The Manager,
First Metro Bank,
Dear Sir, I request a statement of account for January to June.""",
    ),
    (
        "letter",
        """\
Dear Herr Dr. [[P:Schäfer]], vielen Dank für Ihre Einladung nach [[L:Hamburg]]. Leider kann ich am \
12. Januar nicht teilnehmen. Mit freundlichen Grüßen, [[P:Mehmet Aydın]]""",
    ),
    (
        "letter",
        """\
To the Admissions Office: I am writing on behalf of my son, [[P:Lwazi Sithole]], whose application \
was submitted on 30 October. His details: [[A:45 Florida Road, Morningside, Durban 4001]], \
[[PH:+27 31 303 4418]]. Regards, [[P:Nandi Sithole]]""",
    ),
    (
        "letter",
        """\
Dear [[P:Anh]],
Thank you for the lovely tea set from [[L:Hội An]]! Grandpa [[P:Bill]] uses it every morning. \
We hope you'll visit us in [[L:Adelaide]] soon.
Love, Gran""",
    ),
    (
        "letter",
        """\
Please shorten: "We acknowledge receipt of your letter dated 14 November regarding invoice \
INV-2026-11873. Our accounts team is reviewing the matter and will respond within 10 working \
days. We apologise for any inconvenience caused.\"""",
    ),
    (
        "letter",
        """\
From the desk of [[P:Ambrose Chidi Eze]], Managing Director
[[A:4 Ogui Road, Enugu 400241]]

Dear Ms. [[P:Uchenna Okafor]], we are pleased to offer you the position of Finance Officer, \
starting 2 February.""",
    ),
    (
        "letter",
        """\
[[P:Nils Gundersen]]
[[A:Storgata 17
0184 Oslo]]

Kjære [[P:Solveig]], takk for sist! [[P:Erik]] og jeg kommer til [[L:Bergen]] i påsken.""",
    ),
    (
        "letter",
        """\
Recommendation for [[P:Shahid Rahman Khan]]: I supervised [[P:Shahid]]'s master's project at our \
[[L:Islamabad]] campus. His thesis on water pricing was the best in his cohort. \
Prof. [[P:Saadia Karim]], [[E:s.karim@margalla-uni.edu.pk]]""",
    ),
    # ---------------------------------------------------------------- travel
    (
        "travel",
        """\
ITINERARY - MS [[P:KARIMA BOUAZZA]]
Mon 7 Dec  BA 0319 [[L:London]] Heathrow 07:35 -> [[L:Paris]] CDG 09:50
Hotel: Hôtel du Marais, [[A:18 rue Vieille du Temple, 75004 Paris]], tel [[PH:+33 1 42 72 15 38]]
Wed 9 Dec  AF 1380 [[L:Paris]] CDG 18:20 -> [[L:London]] Heathrow 18:40""",
    ),
    (
        "travel",
        """\
Plan a 3-day trip to [[L:Kyoto]] and [[L:Nara]] for me and my colleague [[P:Ruairí]]. We land in \
[[L:Osaka]] on Friday morning and fly home from KIX on Monday night. We like temples, \
food markets and not too much walking.""",
    ),
    (
        "travel",
        """\
Booking confirmation
Guest: [[P:Adeyinka Coker]]
Check-in: 14 Jan, Check-out: 17 Jan (3 nights), Deluxe King
Payment: card [[CC:4696 8639 8921 0937]], exp 08/29
Hotel: Harbourfront Suites, [[A:27 Marina Boulevard, Singapore 018982]]""",
    ),
    (
        "travel",
        """\
Packing list for the winter offsite: thermal layers, waterproof boots, headlamp, power bank, \
passport, travel adapter (Type C), reusable bottle, any prescription medication. Bus leaves \
the office at 07:00 on Friday; return Sunday around 18:00.""",
    ),
    (
        "travel",
        """\
Driver pick-up: Mr. [[P:Olufemi Adekunle]] arriving EK 783 from [[L:Dubai]] at 14:25, Terminal 2. \
Driver [[P:Wanjiku]] ([[PH:+254 711 308 456]]) will hold a sign. Drop-off: \
Villa Rosa Kempinski, [[A:Chiromo Road, Nairobi]].""",
    ),
    (
        "travel",
        """\
Visa letter: "This is to confirm that Ms. [[P:Rukhsar Begum]], passport holder of \
[[L:Bangladesh]], will attend our conference in [[L:Vancouver]] from 3 to 6 May. We will cover her \
hotel. Contact: [[P:Gillian Lachance]], [[E:g.lachance@pacificforum.ca]].\"""",
    ),
    (
        "travel",
        """\
Expense claim - trip to [[L:Warsaw]] and [[L:Vilnius]]
Traveller: [[P:Agnė Kazlauskaitė]]
Flights 412.80 EUR; hotel 3 nights 336.00 EUR; taxis 41.20 EUR; per diem 3 x 45 EUR.
Corporate card [[CC:5568 0060 8798 7657]] used for flights only.""",
    ),
    (
        "travel",
        """\
Can you compare rail passes? We are two adults doing a 10-day loop by train from [[L:Zurich]] \
to [[L:Ljubljana]] in spring, second class, with one overnight sleeper. Budget around 600 per person. Interested in \
flexible passes versus point-to-point tickets booked in advance.""",
    ),
    (
        "travel",
        """\
[[L:Istanbul]] layover plan for [[P:Hamid]] and [[P:Parisa Moradi]]: 9 hours between flights. \
Take the metro to [[L:Sultanahmet]], lunch near the Grand Bazaar, back by 17:00. Emergency contact \
in [[L:Istanbul]]: [[P:Cem Aydoğan]], [[PH:+90 532 417 88 90]].""",
    ),
    (
        "travel",
        """\
Car hire voucher
Driver: [[P:Bruno Cavalcanti de Oliveira]]
Pick-up: [[L:Lisbon]] airport, 11 Feb 10:00. Return: [[L:Faro]] airport, 18 Feb 16:00.
Vehicle: Group C (VW Golf or similar). Prepaid with [[CC:3492 077326 36957]].""",
    ),
    (
        "travel",
        """\
Hotel shortlist near the venue in [[L:Seoul]]: (1) Lotte City Hotel; (2) Nine Tree Premier; \
(3) the L7. [[P:Ha-eun]] prefers (2). The venue is [[A:513 Yeongdong-daero, \
Gangnam-gu, Seoul 06164]].""",
    ),
    (
        "travel",
        """\
Group booking: 12 rooms, 2 nights, twin share, breakfast included, late checkout on the second \
day. Meeting room for 30 with projector. Dietary: 3 vegetarian, 1 coeliac. Please send a quote \
and cancellation terms.""",
    ),
    (
        "travel",
        """\
itinerary for mum & dad ([[P:Rosario]] and [[P:Eduardo Villanueva]]):
- fri: [[L:Manila]] -> [[L:Cebu]] PR 1845, 06:10
- sat: island hopping, guide [[P:Jun-Jun]] [[PH:0917 552 3018]]
- sun: back to [[L:Manila]]""",
    ),
    (
        "travel",
        """\
Travel advisory template: "Before travelling, check the latest guidance, confirm your \
insurance covers your destination and register your trip in the travel portal. For emergencies \
call the 24/7 assistance line printed on your insurance card.\"""",
    ),
    (
        "travel",
        """\
Train tickets for the [[L:Vienna]] workshop:
[[P:Magdalena Huber]] - Railjet 63, [[L:Munich]] 09:27 -> [[L:Vienna]] 13:30, coach 24 seat 51
[[P:Theo Nikolaou]] - Railjet 65, [[L:Salzburg]] 12:08 -> [[L:Vienna]] 14:30, coach 22 seat 14""",
    ),
    (
        "travel",
        """\
Please write a short bio for the conference programme: Dr. [[P:Chukwuemeka Nnamdi Eze]] is a \
transport economist based in [[L:Abuja]]. He previously worked in [[L:Kigali]] and [[L:Addis Ababa]].""",
    ),
    (
        "travel",
        """\
Airbnb host message: "Hi [[P:Kasimir]]! The flat is at [[A:Rue de la Loi 155, 1040 Bruxelles]]. \
Key box code is sent on the day. My cousin [[P:Amélie]] can help if I'm away: [[PH:+32 470 21 84 63]]. \
Enjoy [[L:Brussels]]!\"""",
    ),
    (
        "travel",
        """\
Fleet schedule for the [[L:Mexico City]] roadshow: day 1 [[L:Monterrey]], day 2 [[L:Guadalajara]], \
day 3 [[L:Mexico City]]. Local host: [[P:Ximena Ortiz Bravo]] ([[PH:+52 55 4129 8836]]).""",
    ),
    (
        "travel",
        """\
Flight change notice: Flight 2217 on 14 December now departs at 16:45 instead of 15:10. Your \
seat 23C is unchanged. If the new time does not suit you, you may rebook free of charge or \
request a refund within 7 days via Manage Booking.""",
    ),
    (
        "travel",
        """\
Trip summary for the [[L:Chiang Mai]] retreat: hosts [[P:Kanokwan Rattanapong]] and \
[[P:Apichat Thongchai]]. Address: [[A:88/2 Moo 5, Mae Rim, Chiang Mai 50180]]. \
Call [[PH:+66 81 734 2290]] on arrival.""",
    ),
    (
        "travel",
        """\
Reimbursement: [[P:Carys Pritchard]] paid the team dinner in [[L:Cardiff]] (£286.40) on her \
personal card [[CC:4322 4299 3502 1950]] by mistake. Please refund to her payroll account.""",
    ),
    (
        "travel",
        """\
Conference travel for [[P:Deniz]] and [[P:Yağmur Kaya]]: depart [[L:Izmir]] Thursday, connect in \
[[L:Istanbul]], arrive [[L:Copenhagen]] 16:05. Hotel booked under [[P:Kaya]], confirmation 7732-KJ.""",
    ),
    (
        "travel",
        """\
ferry times to the islands? we're 4 adults with a car, want to leave friday evening and come back \
sunday afternoon. also is the Easter weekend usually fully booked? thx""",
    ),
    (
        "travel",
        """\
[[P:Anusha]]'s travel: [[L:Colombo]] -> [[L:Doha]] -> [[L:Helsinki]] on 2 Feb. Hotel Kämp? No - \
booked Scandic. Emergency contact: brother [[P:Dilan Perera]], [[PH:+94 77 341 6628]].""",
    ),
    (
        "letter",
        """\
Dear [[P:Tomoko]] and [[P:Björn]],
Congratulations on the wedding! We are so sorry to miss it in [[L:Gothenburg]]. A small gift is \
on its way to [[A:Linnégatan 21, 413 04 Göteborg]].
Warmly, [[P:Yaa Asantewaa Boakye]] and [[P:Kofi]]""",
    ),
]
