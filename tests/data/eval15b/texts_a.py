"""Hand-written marked-up texts: news, e-mail, chat. See build.py for the markup."""

TEXTS: list[tuple[str, str]] = [
    # ---------------------------------------------------------------- news
    (
        "news",
        """\
[[L:NAIROBI]] - Opposition leader [[P:Wanjiru Kamau-Otieno]] said on Tuesday that her coalition would \
boycott the budget vote, accusing Finance Secretary [[P:Kiprono Chebet]] of hiding a shortfall of \
almost 90 billion shillings. [[P:Chebet]]'s office declined to comment.""",
    ),
    (
        "news",
        """\
Shares in Halvorsen Maritime fell 7.4% after chief executive [[P:Sigrid Halvorsen]] warned that \
freight rates on the [[L:Rotterdam]]-[[L:Shanghai]] route would stay weak until the third quarter. \
Analysts at Nordbank cut their target price to 212 kroner.""",
    ),
    (
        "news",
        """\
RESULTS | Women's 10,000m final, [[L:Addis Ababa]]: 1. [[P:Tigist Alemayehu]] (ETH) 30:41.07; \
2. [[P:Meseret Gebremedhin]] (ETH) 30:44.91; 3. [[P:Faith Jepkorir]] (KEN) 30:52.30. \
[[P:Alemayehu]] led from the bell and held off a late surge from her training partner.""",
    ),
    (
        "news",
        """\
OBITUARY: DR. [[P:OLUWASEUN ADEBAYO-WILLIAMS]]

[[P:Oluwaseun Adebayo-Williams]], a paediatric surgeon who opened the first children's burns unit in \
[[L:Ibadan]], died on 2 November aged 81. Born in [[L:Abeokuta]], he trained in [[L:Edinburgh]] before \
returning to [[L:Nigeria]] in 1974. He is survived by his wife [[P:Folake]], three children and \
eleven grandchildren.""",
    ),
    (
        "news",
        """\
The Treasury published its Autumn Statement on Wednesday. Inflation is forecast at 2.9% for the \
year, the personal allowance stays frozen until April 2029 and the fuel duty cut introduced \
in March is extended for another twelve months. The Office for Budget Responsibility said growth \
would average 1.4% over the forecast period.""",
    ),
    (
        "news",
        """\
Mayor [[P:Bui Thi Thanh Huong]] of [[L:Da Nang]] signed a twinning agreement with [[L:Kaohsiung]] \
on Friday. Deputy mayor [[P:Nguyễn Văn Phúc]] said the deal would add two weekly flights and a joint \
typhoon warning drill from next spring.""",
    ),
    (
        "news",
        """\
Football: Premier Division round-up. Harbour Athletic 2 ([[P:Mahon]] 14, [[P:O'Riordan]] 77) Glenmore \
Rovers 1 ([[P:Fitzgerald]] pen 61). Rovers manager [[P:Declan Ó Súilleabháin]] said his side \
"deserved at least a point" and confirmed that striker [[P:Cian Mac Giolla Phádraig]] would miss \
the trip to [[L:Cork]] with a hamstring strain.""",
    ),
    (
        "news",
        """\
Ford recalled 41,000 Transit vans over a faulty seat-belt anchor, the second recall this year. \
Owners will be contacted by letter from January; the repair takes about forty minutes and is free \
of charge. Tesla and Volvo were not affected by the supplier issue.""",
    ),
    (
        "news",
        """\
[[L:ISTANBUL]] (Reuters-style wire, draft) - Central bank governor [[P:Elif Yıldırım Aksoy]] held the \
policy rate at 42.5% on Thursday. Economist [[P:Mert Şahin]] of a local brokerage said markets had \
priced in a 50 basis point cut and the lira weakened 0.8% against the dollar.""",
    ),
    (
        "news",
        """\
Tennis - [[L:Melbourne]] quarter-finals: [[P:Hana Nováková]] (CZE) bt [[P:Zsófia Kertész]] (HUN) 6-4 \
3-6 7-5; [[P:Ana Lucía Ferreira Gomes]] (BRA) bt [[P:Mai Takahashi]] (JPN) 6-2 6-1. [[P:Nováková]] \
next plays the winner of tonight's match between [[P:Kertész]]'s compatriot [[P:Réka Balogh]] and \
the top seed.""",
    ),
    (
        "news",
        """\
Markets wrap: the Nikkei 225 closed up 1.2% at a record, led by chipmakers, while the Hang Seng \
slipped 0.3%. Brent crude traded at $81.40 a barrel. The Federal Reserve meets next Tuesday and \
Wednesday; futures price a 70% chance of a hold.""",
    ),
    (
        "news",
        """\
京都市 — 市長の[[P:山本 健一]]氏は金曜日、観光税を来年4月から引き上げると発表した。\
副市長の[[P:佐々木 由美]]氏によると、増収分は市バスの増便に充てる。""",
    ),
    (
        "news",
        """\
[[L:Lahore]]: [[L:Punjab]]'s health minister Dr. [[P:Ayesha Siddiqui]] inaugurated a 200-bed mother and \
child hospital in [[L:Sheikhupura]] on Monday. She was joined by [[P:Muhammad Usman Chaudhry]], \
the district commissioner, and [[P:Ghulam Rasool Bhatti]], a local MPA.""",
    ),
    (
        "news",
        """\
Chess: [[P:Aleksandr Volkov]] won the [[L:St Petersburg]] rapid open with 8/9, half a point ahead of \
[[P:Dmitri Sergeyevich Orlov]] and [[P:Arjun Venkataraman]]. The decisive game saw [[P:Volkov]] \
sacrifice an exchange on move 23 of a Catalan.""",
    ),
    (
        "news",
        """\
Business briefs: Grace Foods said Monday that its chocolate unit will close a packing line; \
Bill Payment Services Ltd raised £12m in a Series B round; and the annual Easter toy survey found \
that sales of Lego sets rose for the fourth straight year. Mark-ups on imported toys averaged 38%.""",
    ),
    (
        "news",
        """\
In [[L:Jakarta]], transport minister [[P:Budi Santoso Wirawan]] confirmed the MRT extension to \
[[L:Bekasi]] would open in 2028. [[P:Budi]] told reporters that land acquisition was "98 percent \
complete" and thanked governor [[P:Sri Wahyuni Hartono]] for her support.""",
    ),
    (
        "news",
        """\
ΑΘΗΝΑ - Ο υπουργός Οικονομικών [[P:Κωνσταντίνος Παπαδόπουλος]] παρουσίασε σήμερα τον προϋπολογισμό. \
Η βουλευτής [[P:Ελένη Μαυρίδου]] ζήτησε περισσότερα κονδύλια για τη [[L:Θεσσαλονίκη]].""",
    ),
    (
        "news",
        """\
Rugby: [[L:Scotland]] beat [[L:Wales]] 27-20 at Murrayfield. Fly-half [[P:Euan MacLeod]] kicked \
17 points and captain [[P:Hamish Drummond-Stewart]] scored the decisive try in the 74th minute. \
[[L:Wales]] coach [[P:Rhodri Llewelyn]] said his players had "given everything".""",
    ),
    (
        "news",
        """\
The Paris Agreement review and the Kyoto Protocol anniversary dominated Monday's session, \
although delegates spent most of the afternoon on the wording of Article 6. No vote is expected \
before Friday, and the closing plenary has been moved to Hall B.""",
    ),
    (
        "news",
        """\
[[L:Manila]] - Senator [[P:Maria Corazon "Cory" Dela Cruz-Villanueva]] filed a bill on Tuesday \
to cap tuition increases at state universities. Co-author Representative [[P:Jose Emmanuel Bautista]] \
said hearings would start in [[L:Quezon City]] next month.""",
    ),
    (
        "news",
        """\
Cycling, stage 14: 1. [[P:Lars-Erik Lindqvist]] (NOR) 4h 12' 33"; 2. [[P:Joost van der Berg]] \
(NED) same time; 3. [[P:Matteo Rinaldi]] (ITA) +0' 04". [[P:van der Berg]] keeps the leader's \
jersey going into the rest day in [[L:Grenoble]].""",
    ),
    (
        "news",
        """\
Weekend forecast: a band of rain moves in from the west on Saturday morning, clearing by Sunday \
lunchtime. Highs of 14C, winds gusting to 50 mph on exposed coasts. The Met Office has issued \
a yellow warning for Saturday from 06:00 to 21:00.""",
    ),
    (
        "news",
        """\
[[L:Dhaka]]: Garment exporters led by [[P:Rashida Begum Chowdhury]] met commerce adviser \
[[P:Md. Tanvir Hossain]] on Sunday to press for faster customs clearance at [[L:Chittagong]] port. \
[[P:Hossain]] promised a decision within two weeks.""",
    ),
    # ---------------------------------------------------------------- email
    (
        "email",
        """\
From: [[P:Ngozi Eze]] <[[E:ngozi.eze@brightwell-logistics.com]]>
To: [[P:Tomasz Wiśniewski]] <[[E:t.wisniewski@brightwell-logistics.com]]>
Cc: [[E:ops-leads@brightwell-logistics.com]]
Subject: Re: pallet count for Thursday

Hi [[P:Tomasz]],

Count is 46, not 52 - six went back to the [[L:Gdańsk]] depot on Monday. Can you fix the manifest \
before it goes to customs?

Thanks,
[[P:Ngozi]]""",
    ),
    (
        "email",
        """\
Can you tidy up this email before I send it?

"Dear Mr. [[P:Okonkwo]], thank you for your time yesterday. As discussed, I attach the revised \
proposal. I will call you on [[PH:+234 803 417 2290]] on Friday at 10:00 to go through the figures. \
Kind regards, [[P:Hannah Whitcombe]]\"""",
    ),
    (
        "email",
        """\
> On 3 Nov, [[P:Farhad Rezaei]] <[[E:farhad.rezaei@qalamdesign.ir]]> wrote:
> The mock-ups are in the shared folder. [[P:Shirin]] did the mobile ones.

Thanks [[P:Farhad]] - these look great. One note: the logo on the checkout page is a bit blurry at \
2x. Could [[P:Shirin Tavakoli]] export it as SVG?

[[P:Camille de Villiers]]""",
    ),
    (
        "email",
        """\
Subject: Q3 close - reminder

All,

The ledger locks on Friday at 17:00. Please post accruals before then and attach supporting \
documents to the journal in the finance system (reference JE-2026-0931 onwards). Invoices \
dated after 30 September go into October.

Finance Operations""",
    ),
    (
        "email",
        """\
FROM: [[P:RAJESH KUMAR IYER]]
TO: [[P:ANANYA BHATTACHARYA]]; [[P:SURESH NAIR]]
SUBJECT: SITE VISIT - [[L:PUNE]]

Team, the client moved the visit to Wednesday. [[P:Suresh]], please book the 7:05 flight from \
[[L:Bengaluru]]. [[P:Ananya]] will meet you at the plant gate. My mobile if anything changes: \
[[PH:+91 98450 31762]].""",
    ),
    (
        "email",
        """\
Please rewrite this to sound less annoyed:

hi [[P:Giulia]], this is the third time I'm asking for the signed NDA. legal won't let us start \
without it. [[P:Alessandro]] said you sent it but I never got it. please send to \
[[E:contracts@nordvik-engineering.no]] today. - [[P:Ingrid]]""",
    ),
    (
        "email",
        """\
From: [[P:Chen Jiahui]] <[[E:jiahui.chen@lotusbay.cn]]>
Sent: Monday, 9:14 AM
To: [[P:Priyanka Deshmukh]]
Subject: samples

Dear [[P:Priyanka]],

The samples left [[L:Shenzhen]] this morning by courier. Please let our colleague [[P:陈志强]] know \
when they arrive; his direct line is [[PH:+86 755 8832 4519]].

Best regards
[[P:Jiahui]]""",
    ),
    (
        "email",
        """\
Auto-reply: I am out of the office until Monday 14 December with limited access to email. For \
urgent payroll questions please contact the Payroll Helpdesk via the intranet form. For anything \
else, I will reply when I return. Happy holidays!""",
    ),
    (
        "email",
        """\
From: [[E:noreply@portal.fernhill-housing.org.uk]]
To: [[P:Aoife Brennan]] <[[E:aoife.brennan84@mailbox.ie]]>
Subject: Repair booked

Dear [[P:Aoife Brennan]],
Your repair (boiler, ref RP-449201) is booked for Thursday between 8am and 12pm at \
[[A:Flat 3, 27 Carrow Road, Norwich NR1 1HS]]. If you cannot be in, call [[PH:01603 496 418]].""",
    ),
    (
        "email",
        """\
Hi team,

Reminder that the office is closed on Boxing Day and New Year's Day. The Christmas party is on \
Friday 18 December at the Riverside Hall from 7pm; tickets are on the intranet. Secret Santa \
limit is £15 this year.

Cheers,
The Social Committee""",
    ),
    (
        "email",
        """\
-----Original Message-----
From: [[P:Kwame Mensah-Bonsu]] [mailto:[[E:kwame@mensahbonsu.co.gh]]]
Sent: 02 December 10:41
To: [[P:Lindiwe Dube]]
Subject: invoice query

[[P:Lindiwe]], invoice 88213 shows 14 units but we received 12. Can you issue a credit note? \
Our [[L:Accra]] warehouse confirmed the count.""",
    ),
    (
        "email",
        """\
Translate to German please:

Dear Frau [[P:Schneider]], thank you for the quick reply. Mr. [[P:Bakshi]] and I will arrive in \
[[L:Munich]] on the 12th and can visit your office at [[A:Leopoldstraße 118, 80802 München]] at \
14:00. Best wishes, [[P:Harpreet Kaur Sandhu]]""",
    ),
    (
        "email",
        """\
From: [[P:Ji-woo Park]] <[[E:jiwoo.park@hanbitsoft.kr]]>
To: [[P:박민준]] <[[E:minjun.park@hanbitsoft.kr]]>
Subject: 회의 일정

[[P:민준]] 씨, the vendor call is moved to 3pm KST. [[P:Soo-ah Lim]] from the [[L:Busan]] office will \
join. Please bring the latest test report.""",
    ),
    (
        "email",
        """\
Subject: Your order has shipped

Good news! Order #A-77310 (2 items) left our warehouse today and should arrive within 3-5 working \
days. Track it any time from "My Orders". Returns are free within 30 days. Need help? Reply to this \
message and our Customer Care team will get back to you within 24 hours.""",
    ),
    (
        "email",
        """\
Hi [[P:Sven]],

Quick one - can you send me [[P:Astrid Lundgren]]'s number? I need to confirm the [[L:Malmö]] \
workshop. Also copy [[P:Björn Ekström]] ([[E:bjorn.ekstrom@vattenfors.se]]) on the agenda.

/[[P:Karin]]""",
    ),
    (
        "email",
        """\
From: [[P:Mohammed Al-Harbi]] <[[E:m.alharbi@dunesgroup.sa]]>
To: [[P:Yusuf Demir]] <[[E:yusuf.demir@anatolia-trade.com.tr]]>
Cc: [[P:Layla Haddad]] <[[E:layla.haddad@dunesgroup.sa]]>
Subject: Re: Re: shipment to [[L:Jeddah]]

Dear [[P:Yusuf]] Bey, we confirm receipt of the bill of lading. [[P:Layla]] will arrange the \
customs broker. Regards, [[P:Mohammed]]""",
    ),
    (
        "email",
        """\
Can you summarise this thread in two lines?

> Agreed, let's push the release to Thursday.
>> QA found two blockers in the payment flow (tickets PAY-2231, PAY-2240).
>>> Is v4.12.0 still on track for Tuesday?
>>>> Release notes draft attached, v4.12.0, build 20261201.3.""",
    ),
    (
        "email",
        """\
Dear Prof. [[P:Nakamura]],

I am a second-year PhD student at the University of Leeds and would like to visit your lab in \
[[L:Sendai]] next summer. My supervisor, Dr [[P:Fiona McAllister]], suggested I write to you. \
I can be reached at [[E:s.ogunleye@leeds-postgrad.ac.uk]] or [[PH:+44 7700 900417]].

Yours sincerely,
[[P:Samuel Ogunleye]]""",
    ),
    (
        "email",
        """\
Subject: FW: conference badge

---------- Forwarded message ---------
From: [[P:Isabel Martínez de la Fuente]] <[[E:imartinez@congresos-iberia.es]]>
To: [[P:Lucas Oliveira Santos]] <[[E:lucas.santos@oliveiradigital.com.br]]>

Hola [[P:Lucas]], your badge will be at the desk in [[L:Valencia]]. Please bring ID.""",
    ),
    (
        "email",
        """\
Hello all, the parking garage will be resurfaced over the long weekend (Thanksgiving). Level P2 \
will be closed from Wednesday 6pm to Monday 6am. Please use the north overflow lot; permits \
are valid there. Questions to Facilities through ServiceDesk, category "Parking".""",
    ),
    (
        "email",
        """\
Reply to this for me, politely decline:

From: [[P:Dimitris Karagiannis]] <[[E:dkaragiannis@aegeanevents.gr]]>
"Hi! We'd love you to speak at our [[L:Thessaloniki]] summit on 4 March. Fee 1,500 EUR plus travel. \
Call me on [[PH:+30 2310 552 817]] if interested. [[P:Dimitris]]\"""",
    ),
    (
        "email",
        """\
From: [[P:Nomvula Khumalo]]
To: [[P:Pieter de Jong]]
Subject: handover

[[P:Pieter]] - while I'm on leave, [[P:Thabo]] covers the [[L:Durban]] accounts and \
[[P:Zanele Mthembu]] covers [[L:Cape Town]]. Escalations to me only if the client is threatening to \
leave. Mobile: [[PH:+27 82 614 0935]].""",
    ),
    (
        "email",
        """\
Subject: Will you review the Grace Hopper award nominations?

Hi all - the committee needs two more reviewers for the Grace Hopper award and the Turing \
Fellowship this year. Nominations close on 15 January; each review takes about an hour. \
Reply "yes" to this message and we will send the portal link.""",
    ),
    # ---------------------------------------------------------------- chat
    (
        "chat",
        """\
[09:12] [[P:@maria.lopez]]: morning! anyone know if the staging db is back?
[09:13] [[P:@dev.patel]]: yep, [[P:kenji]] restarted it around 8
[09:13] [[P:@maria.lopez]]: ty 🙏
[09:15] [[P:@kenji.watanabe]]: it's up but slow, don't run the migration yet""",
    ),
    (
        "chat",
        """\
[[P:priya]]: did [[P:rahul]] send the deck to the client??
[[P:rahul]]: sent it last night
[[P:priya]]: ok cool. my mum called, I'm leaving at 4 today
[[P:rahul]]: np, I'll cover standup""",
    ),
    (
        "chat",
        """\
#release-train
bot: Build 2026.12.04-rc2 passed all checks ✅
bot: Deploying to canary (eu-west-1, 5%)
bot: Canary healthy after 30 min, promoting to 25%
@here please hold merges to main until the Friday release is cut""",
    ),
    (
        "chat",
        """\
[[P:Olumide Adeyemi]]  10:41 AM
@channel reminder: client demo at 2pm, [[P:@chiamaka.nwosu]] is presenting
[[P:Chiamaka Nwosu]]  10:43 AM
thanks [[P:Olu]]! [[P:@emeka]] can you share the dashboard link in here?
[[P:Emeka Obi]]  10:44 AM
on it""",
    ),
    (
        "chat",
        """\
Summarise this Teams chat:
[[P:Schmidt, Katharina]] (14:02): Wer übernimmt die Schicht am Samstag?
[[P:Yılmaz, Emre]] (14:05): Ich kann, aber nur bis 18 Uhr.
[[P:Schmidt, Katharina]] (14:06): Danke [[P:Emre]]! [[P:Lukas]] macht dann den Rest.""",
    ),
    (
        "chat",
        """\
anyone else getting 502s from the billing api? started ~10 min ago
yes, seeing it on checkout too
status page says degraded performance, incident INC-5521 opened
ok standing down, will retry the batch at 3""",
    ),
    (
        "chat",
        """\
[[P:@sofia.rossi]] can you ping [[P:@marco.bianchi]] about the [[L:Milan]] venue? he has the \
contract. [[P:marco]]'s number is [[PH:+39 347 218 6604]] if slack is dead again""",
    ),
    (
        "chat",
        """\
[[P:nguyen.thu]]: [[P:anh]] ơi, bạn gửi file báo cáo chưa?
[[P:tran.anh]]: gửi rồi nha, check mail đi
[[P:nguyen.thu]]: ok cảm ơn!! mai họp lúc 9h nhé""",
    ),
    (
        "chat",
        """\
hey, quick question - is the Mark II firmware compatible with the new dock? the release notes for \
v3.2 only mention Mark III. also will the Black Friday discount apply to the extended warranty or \
just the hardware?""",
    ),
    (
        "chat",
        """\
[[P:Aigerim]] 15:20
who's on call tonight?
[[P:Dauren Seitkali]] 15:21
me until midnight, then [[P:@zhanna.abenova]]
[[P:Aigerim]] 15:21
ok. the [[L:Almaty]] datacenter has maintenance at 02:00, pls keep an eye""",
    ),
    (
        "chat",
        """\
[[P:lena]]: lol [[P:jonas]] fell asleep in the retro again
[[P:jonas]]: i was resting my eyes
[[P:lena]]: sure. btw frau [[P:weber]] wants the slides by friday
[[P:jonas]]: which slides 😅""",
    ),
    (
        "chat",
        """\
Standup thread 🧵
- yesterday: finished the CSV export, opened PR #1842
- today: pairing on the rate limiter, then reviews
- blockers: none
- note: I'm out Thursday afternoon (dentist)""",
    ),
    (
        "chat",
        """\
[[P:@aleksandra.nowak]]: [[P:@piotr.zielinski]] spotkanie przeniesione na 11
[[P:@piotr.zielinski]]: ok, sala w [[L:Krakowie]] czy online?
[[P:@aleksandra.nowak]]: online, [[P:Marek]] jest w [[L:Wrocławiu]]""",
    ),
    (
        "chat",
        """\
[[P:Tunde]]: bro the client just called, they want the report in Yoruba and English
[[P:Bisi Akande]]: Mama [[P:Bisi]] can translate lol
[[P:Tunde]]: serious o. [[P:@kehinde.ajayi]] you still have the glossary?
[[P:Kehinde Ajayi]]: yes sending now""",
    ),
    (
        "chat",
        """\
Quick poll for the offsite: 🅰️ street-food tour, 🅱️ escape room, 🅲 bowling. \
Vote by Wednesday. Budget is €40 per person. Vegetarian and halal options confirmed for all three.""",
    ),
    (
        "chat",
        """\
[[P:Rin Tanaka]]: 新しいデザイン見ました？
[[P:@haruto.sato]]: 見た！かっこいい
[[P:Rin Tanaka]]: [[P:佐藤]]さん、明日の[[L:大阪]]出張の資料もお願いします""",
    ),
    (
        "chat",
        """\
[[P:@fatima.zahra]] hey, the customer in [[L:Casablanca]] wants a call back - [[P:Youssef El Amrani]], \
[[PH:+212 661 473 208]]. he sounded upset about the delivery""",
    ),
    (
        "chat",
        """\
[[P:Chloe]] 11:02: is the fire drill today or tomorrow?
[[P:Amara Osei]] 11:03: tomorrow 10:30, meet at assembly point C
[[P:Chloe]] 11:03: thx. will [[P:Callum]] be back for it? he's the warden for floor 3""",
    ),
    (
        "chat",
        """\
can someone explain why the Christmas build failed? logs say "Grace period expired for license \
key". I thought we renewed in November. Will check with procurement on Monday unless someone knows.""",
    ),
    (
        "chat",
        """\
[[P:@arash.mohammadi]]: [[P:@niloufar.karimi]] did you get the visa letter for the [[L:Toronto]] trip?
[[P:@niloufar.karimi]]: not yet, HR said Thursday
[[P:@arash.mohammadi]]: ok. [[P:Reza]] got his already""",
    ),
    (
        "chat",
        """\
[[P:Somchai]]: ขอบคุณครับ
[[P:Nattaya Srisuk]]: no problem! [[P:@somchai.wongsawat]] the [[L:Bangkok]] team will send the \
quote tomorrow
[[P:Somchai]]: great, Khun [[P:Pim]] is waiting for it""",
    ),
    (
        "chat",
        """\
reminder: bring your laptops to the Thursday workshop, we're doing the Kubernetes lab. \
Python 3.11+, Docker Desktop and the VPN client. wifi password is on the whiteboard in room 4.12""",
    ),
    (
        "chat",
        """\
[[P:Gabriel]]: [[P:@ines.carvalho]] tens o contacto do fornecedor de [[L:Porto]]?
[[P:@ines.carvalho]]: [[P:Rui Teixeira]], [[E:rui.teixeira@douroembalagens.pt]]
[[P:Gabriel]]: obrigado!""",
    ),
]
