"""Hand-written marked-up texts: minutes, HR notes, support tickets, CRM exports."""

TEXTS: list[tuple[str, str]] = [
    # ---------------------------------------------------------------- minutes
    (
        "minutes",
        """\
Minutes - Product Council, 3 December
Present: [[P:Helen Achterberg]] (chair), [[P:Ravi Subramanian]], [[P:Olga Petrova]], [[P:Tobias Fink]]
Apologies: [[P:Marguerite de Lacroix]]
1. Roadmap: [[P:Ravi]] presented the Q1 plan. Agreed to drop the offline mode.
2. AOB: [[P:Olga]] to circulate the pricing memo by Friday.""",
    ),
    (
        "minutes",
        """\
BOARD MINUTES (DRAFT)
Attendees: [[P:J. R. Okafor]]; [[P:A. M. Lindström]]; [[P:K. Venkatesh]]; [[P:S. Haddad]] (secretary)
Item 4 - The board approved the lease renewal for the [[L:Leeds]] office for five years. \
Mr [[P:Okafor]] abstained. Item 5 - Audit committee report deferred to January.""",
    ),
    (
        "minutes",
        """\
Retro notes - Sprint 47
What went well: deploy pipeline is faster, fewer flaky tests, on-call handover doc is useful.
What didn't: scope creep on the search epic, two late-night hotfixes.
Actions: timebox spikes to 2 days; add alert for queue depth > 10k; revisit Definition of Done.""",
    ),
    (
        "minutes",
        """\
Weekly ops sync - attendees: [[P:Siobhán Kavanagh]], [[P:Ahmed Farouk]], [[P:Li Wei]], \
[[P:Małgorzata Kowalczyk]], [[P:Jakub Dvořák]].
- [[P:Li Wei]]: the [[L:Singapore]] DC migration is 80% done.
- [[P:Jakub]]: vendor in [[L:Brno]] still hasn't shipped the replacement switches.
- Next sync moved to Wednesday because of the holiday.""",
    ),
    (
        "minutes",
        """\
Please turn these notes into formal minutes:
parents' assoc meeting tues. Mrs [[P:Obi]] chaired. [[P:Gareth]] did treasurer report, £2,340 in \
bank. bake sale raised 412. [[P:Dominika]] suggested a ceilidh in March. Mr [[P:Haddad]] will ask \
the head about using the hall. next meeting 12 Jan.""",
    ),
    (
        "minutes",
        """\
Steering Committee - Project Northstar
Decisions: (1) Phase 2 budget approved at 1.2m; (2) go-live moved from 1 March to 15 April; \
(3) the vendor's change request CR-014 rejected. Risks: data migration, training capacity in \
Finance and HR. Next meeting: first Monday of January, 10:00, Boardroom 2.""",
    ),
    (
        "minutes",
        """\
会议纪要 12月2日
出席：[[P:王芳]]、[[P:李建国]]、[[P:张伟]]、[[P:Emily Carter]]
1. [[P:王芳]]汇报了[[L:上海]]工厂的产量。
2. [[P:Emily]] will send the English version to the [[L:London]] team.""",
    ),
    (
        "minutes",
        """\
Clinical governance meeting
Present: Dr [[P:Eilidh Fraser]] (chair), Dr [[P:Kofi Asante]], Sister [[P:Mary-Kate Gallagher]], \
[[P:Nikos Stavropoulos]] (pharmacy)
Incident 26/114 (wrong-site block) reviewed. Dr [[P:Asante]] will update the checklist. \
Sister [[P:Gallagher]] to re-train band 5 staff.""",
    ),
    (
        "minutes",
        """\
ACTION LOG
A-31 Update the risk register - Owner: PMO - Due: 11 Dec - Open
A-32 Confirm training room booking - Owner: L&D - Due: 14 Dec - Done
A-33 Circulate revised RACI - Owner: Programme Office - Due: 18 Dec - Open
A-34 Close out supplier onboarding checklist - Owner: Procurement - Due: 8 Jan - Open""",
    ),
    (
        "minutes",
        """\
Town hall Q&A (transcribed by [[P:Hyun-woo Cho]])
Q ([[P:Anjali]], Marketing): Will the [[L:Dublin]] office stay open?
A ([[P:Gerard Mulcahy]], COO): Yes. We're actually adding desks in [[L:Dublin]] and [[L:Galway]].
Q (anonymous): Bonus timing?
A ([[P:Gerard]]): March payroll, same as last year.""",
    ),
    (
        "minutes",
        """\
Minutes of the residents' committee, 28 November. Present: [[P:Barnaby Thornton]], \
[[P:Fatou Diallo]], [[P:Wojciech Mazur]], [[P:Eszter Horváth]]. The committee noted a complaint \
about bins at [[A:14-16 Albion Terrace, Hove BN3 5QR]]. [[P:Fatou]] will write to the council.""",
    ),
    (
        "minutes",
        """\
Design review summary: the team agreed on the card-based layout for the dashboard, with dark mode \
as default on mobile. Accessibility: contrast ratio must meet AA. Open questions: whether the \
Insights tab ships in January or with the Spring release. Next review on Thursday.""",
    ),
    (
        "minutes",
        """\
Partners' meeting - [[L:Amsterdam]]
Present: [[P:Willem van der Linden]], [[P:Sanne de Vries]], [[P:Femke Bakker]], [[P:Hendrik-Jan Mulder]]
[[P:Van der Linden]] reported that the [[L:Antwerp]] client renewed. [[P:De Vries]] asked for a \
second analyst. Agreed.""",
    ),
    (
        "minutes",
        """\
Hiring panel debrief - candidate [[P:Adaeze Okoro]] for Senior Data Engineer.
Panel: [[P:Marcus Lindgren]], [[P:Tanvi Joshi]], [[P:Ioana Popescu]].
[[P:Marcus]]: strong on SQL, weaker on streaming. [[P:Tanvi]]: excellent system design. \
[[P:Ioana]]: culture add, would hire. Outcome: offer at band L5.""",
    ),
    (
        "minutes",
        """\
Minutes, Safety Committee. Quorum present. The committee reviewed the quarterly incident figures \
(3 minor, 0 RIDDOR), approved the revised lone-working policy and agreed to replace the first-aid \
kits on floors 2 and 5. The fire risk assessment is due for renewal in February.""",
    ),
    (
        "minutes",
        """\
Sales kickoff notes ([[L:Barcelona]])
Speakers: [[P:Carmen Rodríguez Villalobos]] ([[L:Europe]]), [[P:Tariq Mahmood]] ([[L:Asia-Pacific]]), \
[[P:Bongani Ndlovu]] ([[L:Africa]]). [[P:Carmen]] announced the new partner tier. [[P:Tariq]] flagged \
FX risk in [[L:Indonesia]] and [[L:Vietnam]].""",
    ),
    (
        "minutes",
        """\
Ward meeting, 1 Dec. Attendees: [[P:ANNA KOWALSKA]], [[P:GRACE MWANGI]], [[P:PATRICK DOHERTY]], \
[[P:SEO-YEON KANG]]. Staffing for Christmas agreed. [[P:Grace]] will cover nights 24-26. \
[[P:Patrick]] raised the broken bed alarm in bay 4 - Estates ticket raised.""",
    ),
    (
        "minutes",
        """\
Architecture forum: with no new proposals this week, the session reviewed the event-bus \
ADR. Decision: adopt at-least-once delivery with idempotent consumers. The Ford-Fulkerson example \
in the appendix is to be replaced with a simpler diagram.""",
    ),
    (
        "minutes",
        """\
Meeting notes - Vendor call with Sakura Print
Us: [[P:Rebecca Holloway]], [[P:Daniel Mendes]]. Them: [[P:Yamada Taro]], [[P:Ishikawa Naomi]].
[[P:Yamada]]-san confirmed the [[L:Yokohama]] plant can ship 20k units by February. \
[[P:Daniel]] to send PO.""",
    ),
    (
        "minutes",
        """\
Faculty meeting, Department of Chemistry. Present: Prof. [[P:Rukhsana Ahmed]], \
Dr [[P:Mihai Ionescu]], Dr [[P:Chiara Lombardi]], Dr [[P:Abdi Hassan Warsame]]. \
Prof. [[P:Ahmed]] welcomed Dr [[P:Warsame]], who joins from [[L:Mogadishu]] via [[L:Nairobi]].""",
    ),
    (
        "minutes",
        """\
1:1 notes (manager template)
- Wins since last time
- Blockers
- Career goals: wants to lead the Q2 migration
- Feedback given: great incident write-up; be more concise in design docs
- Follow-ups: book the Leadership Essentials course before the January deadline""",
    ),
    (
        "minutes",
        """\
Incident review INC-7731. Present: [[P:Farida Nurlanovna]], [[P:Ethan O'Connell]], [[P:Vikram Rathore]]. \
Timeline: 02:14 alerts fired; 02:20 [[P:Vikram]] paged; 02:47 rollback. Root cause: expired TLS \
cert on the [[L:Frankfurt]] edge. [[P:Ethan]] owns cert automation.""",
    ),
    (
        "minutes",
        """\
Charity trustees' meeting held at [[A:9 Wellington Place, Belfast BT1 6GE]]. Present: \
[[P:Orla Quinn]], [[P:Seamus McGuinness]], [[P:Nadia Khalil]]. [[P:Seamus]] reported donations \
of £18,200. Next meeting in [[L:Derry]].""",
    ),
    # ---------------------------------------------------------------- hr
    (
        "hr",
        """\
HR note - confidential
Employee: [[P:Oksana Melnyk]] (ID 40417)
Manager: [[P:Graham Pettigrew]]
[[P:Oksana]] requested a phased return after surgery: 3 days/week for four weeks. OH report \
supports this. [[P:Graham]] agreed; review on 12 January.""",
    ),
    (
        "hr",
        """\
Write a reference letter for [[P:Kamal Hossain]], who worked with us as a warehouse supervisor \
from 2021 to 2026 at our [[L:Sylhet]] distribution centre. He was reliable, trained new starters \
and never missed a shift. His new employer's HR contact is [[E:hr.recruit@meghnafoods.com.bd]].""",
    ),
    (
        "hr",
        """\
Onboarding checklist for new starters: laptop request, badge photo, security induction, \
mandatory e-learning (GDPR, anti-bribery, DSE), pension enrolment form, bank details via the \
self-service portal. Buddy assigned by the line manager in week one.""",
    ),
    (
        "hr",
        """\
Absence log, week 49:
[[P:Hughes, Rhiannon]] - sick, Mon-Tue
[[P:Abubakar, Hauwa]] - annual leave, Wed-Fri
[[P:Ferreira, João Pedro]] - compassionate leave (bereavement)
[[P:Tanaka, Sho]] - training in [[L:Osaka]], Thu""",
    ),
    (
        "hr",
        """\
Notes from grievance meeting. Complainant: [[P:Jasmine Achebe]]. Respondent: [[P:Neil Forsyth]]. \
Companion: [[P:Rosa Delgado]] (union rep). Ms [[P:Achebe]] described three incidents in October. \
Mr [[P:Forsyth]] denied the second. Investigation officer [[P:Imran Qureshi]] to interview witnesses.""",
    ),
    (
        "hr",
        """\
Help me phrase this performance review kindly:

"[[P:Dawit]] has strong technical skills but misses deadlines. [[P:Dawit Tesfaye]] needs to update \
Jira daily and flag risks earlier. He helped [[P:Selam]] a lot during her onboarding, which the \
team appreciated.\"""",
    ),
    (
        "hr",
        """\
Policy update: from 1 January the hybrid working policy requires two anchor days per team. \
Teams choose their days with their director. Exceptions for caring responsibilities and \
reasonable adjustments continue to be handled case by case.""",
    ),
    (
        "hr",
        """\
New hire details (please add to payroll):
Name: [[P:Leilani Kahananui]]
Start: 5 January
Home address: [[A:2217 Pali Hwy, Honolulu, HI 96813]]
Phone: [[PH:(808) 555-0147]]
Personal email: [[E:leilani.k.hnl@gmail.com]]""",
    ),
    (
        "hr",
        """\
Exit interview summary - [[P:Rafael Acosta Mendoza]], Customer Success, 4 years. Reasons: \
relocating to [[L:Bogotá]] to be near family. Would return. Praised his manager [[P:Lucía Navarro]]; \
felt the tooling was dated.""",
    ),
    (
        "hr",
        """\
Probation review: the employee has met all objectives for the first six months, completed \
mandatory training and received positive feedback from stakeholders in Finance and Legal. \
Recommendation: confirm in post. Next review at the annual cycle in April.""",
    ),
    (
        "hr",
        """\
Visa sponsorship request: [[P:Thanh Huyền Lê]] (Vietnamese national) for the role of QA Lead in \
[[L:Berlin]]. Current address: [[A:45 Nguyễn Huệ, Quận 1, Thành phố Hồ Chí Minh 700000]]. \
Contact: [[PH:+84 90 318 5527]].""",
    ),
    (
        "hr",
        """\
Emergency contacts form
Employee: [[P:Gustavo Henrique Albuquerque]]
Contact 1: [[P:Mariana Albuquerque]] (spouse), [[PH:+55 21 98814-3306]]
Contact 2: [[P:Paulo Albuquerque]] (father), [[PH:+55 21 2547-9182]]""",
    ),
    (
        "hr",
        """\
Interview schedule, Tuesday: 09:30 [[P:Mehmet Öztürk]]; 10:30 [[P:Claire Dubois-Martin]]; \
11:30 [[P:Yaw Boateng]]; 14:00 [[P:Nirmala Pillai]]. Panel: Mr. [[P:Hargreaves]] and [[P:Devi]]. \
Room: Oak 3.""",
    ),
    (
        "hr",
        """\
Salary benchmarking note: median base for Band 6 engineers rose 4.1% year on year; the 75th \
percentile is now 89k. Recommend adjusting the Band 6 range by 3.5% in the April review and \
revisiting the on-call allowance, unchanged since 2023.""",
    ),
    (
        "hr",
        """\
From the manager: "[[P:Abebe]] asked for Fridays off to care for his mum. I'm fine with it if \
[[P:Tsion]] can cover the Friday intake. Can HR confirm whether this counts as flexible working \
or unpaid leave?\"""",
    ),
    (
        "hr",
        """\
Disciplinary hearing outcome letter - draft
Dear Mr [[P:Kaczmarek]],
Following the hearing on 27 November, chaired by [[P:Louise Abernethy]], the company has decided to \
issue a first written warning. You may appeal within 5 working days by writing to \
[[E:hr.appeals@corvidae-group.co.uk]].""",
    ),
    (
        "hr",
        """\
Volunteering day sign-up: choose between the food bank, the river clean-up or mentoring at the \
Junior Coders club. Transport from the office leaves at 8:45. Wear old clothes for the river. \
Lunch is provided; tell us about dietary needs by Friday.""",
    ),
    (
        "hr",
        """\
Relocation package - [[P:Anneke Visser]] moving from [[L:Utrecht]] to [[L:Toronto]]. Temporary housing \
for 60 days, shipping allowance, two return flights. Tax advice via our provider. New address once \
settled: [[A:88 Harbord Street, Toronto, ON M5S 1G5]].""",
    ),
    (
        "hr",
        """\
Can you write a welcome message for [[P:Aarav]] and [[P:Meenakshi Sundaram]]? They're joining the \
[[L:Chennai]] team on Monday. [[P:Aarav]] is a graduate, [[P:Meenakshi]] is an experienced \
product manager from [[L:Hyderabad]].""",
    ),
    (
        "hr",
        """\
Training record
[[P:ÁLVAREZ PRIETO, Marta]] - Fire Marshal (valid to 10/2027)
[[P:NIKOLAIDIS, Yiannis]] - First Aid at Work (valid to 03/2028)
[[P:ŠIMEK, Ondřej]] - Manual Handling (expired)""",
    ),
    (
        "hr",
        """\
Parental leave request: [[P:Tomás Ó Briain]] requests 26 weeks of shared parental leave from \
1 February, starting after his partner [[P:Niamh]] returns to work. Payroll to confirm \
statutory pay. Manager: [[P:Deirdre Costello]].""",
    ),
    (
        "hr",
        """\
Benefits reminder: open enrolment closes on 15 December. Changes to dental, vision and the \
cycle-to-work scheme take effect on 1 January. If you do nothing, your current choices roll over. \
Questions? See the Benefits FAQ or attend the Q&A on Wednesday at noon.""",
    ),
    # ---------------------------------------------------------------- support
    (
        "support",
        """\
Ticket #58213 - Priority: High
Customer: [[P:Douglas Kirkpatrick]]
Email: [[E:d.kirkpatrick@strathmore-joinery.co.uk]]
Phone: [[PH:0131 496 0822]]
Issue: Invoices since October show the wrong VAT rate. Customer is in [[L:Edinburgh]], VAT reg on file.""",
    ),
    (
        "support",
        """\
Draft a reply to this customer:

"Hi, I was charged twice for order 100-4471-2208. My card is [[CC:4914 5856 3074 0774]]. Please \
refund the second charge. - [[P:Amina Yusuf]], [[PH:+234 809 552 6174]]\"""",
    ),
    (
        "support",
        """\
Ticket #58220 - Low
Title: Dark mode toggle resets after update
Steps: enable dark mode > update to 5.3.1 > relaunch. Expected: setting kept. Actual: reverts to \
light. Affects Android 14 and 15. Workaround: toggle again after launch.""",
    ),
    (
        "support",
        """\
Customer called about a damaged parcel. Name: [[P:Vu Minh Chau]]. Delivery address: \
[[A:Unit 12, 3 Parramatta Road, Annandale NSW 2038]]. Best number: [[PH:0412 770 385]]. Wants a \
replacement, not a refund. Courier claim ref 7Q-551.""",
    ),
    (
        "support",
        """\
Chat transcript
Agent ([[P:Kelechi]]): Hello, thanks for contacting us. How can I help?
Customer: my account is locked
Agent ([[P:Kelechi]]): I'm sorry to hear that. Can you confirm the email on the account?
Customer: [[E:sandeep.gill1979@outlook.com]]
Agent ([[P:Kelechi]]): Thanks [[P:Sandeep]], I've sent a reset link.""",
    ),
    (
        "support",
        """\
Escalation: Printer fleet on floor 6 returning error E-204 after the firmware push. Affects \
models HP LaserJet M507 and Brother HL-L6400. Rollback of firmware 2.14 is scheduled for tonight \
at 22:00. No user data affected.""",
    ),
    (
        "support",
        """\
Ticket #58301
From: [[P:Hélène Fontaine]] <[[E:helene.fontaine@atelier-lumiere.fr]]>
Subject: Commande non reçue
Bonjour, ma commande n'est pas arrivée à [[A:17 rue des Lilas, 69003 Lyon]]. Pouvez-vous vérifier ? \
Tél : [[PH:06 41 28 93 07]]""",
    ),
    (
        "support",
        """\
Summarise the ticket history for the handover:
- 2 Dec: [[P:Ayodele]] reported sync failure on iPad.
- 3 Dec: L2 ([[P:Marta Głowacka]]) reproduced it with iOS 18.2.
- 4 Dec: engineering ([[P:Rohan Mehta]]) found the token refresh bug; fix in 7.8.2.""",
    ),
    (
        "support",
        """\
Refund request - customer says: "Please put the refund on my other card, [[CC:5180 7032 9488 8839]], \
the old one is cancelled." Customer: Mrs. [[P:Pauline Okeke]] -> agent note: policy says refunds \
go to the original method only.""",
    ),
    (
        "support",
        """\
Known issue KB-1190: After the December update, some users see "Session expired" every 15 minutes. \
Cause: clock skew on older Windows 10 builds. Fix: enable automatic time sync, then sign in again. \
A permanent fix ships in version 12.4.""",
    ),
    (
        "support",
        """\
Ticket #58344 | Urgent | Reporter: [[P:Yerlan Nurpeisov]] | Site: [[L:Astana]]
VPN drops every 20 minutes since Monday. Tried reinstalling the client. Callback on \
[[PH:+7 701 452 8836]] after 14:00 local.""",
    ),
    (
        "support",
        """\
Delivery exception: the courier could not access [[A:Apt 5B, 410 West 53rd Street, New York, NY 10019]]. \
Recipient [[P:Marisol Peña]] asked us to leave it with the doorman next time. \
Contact: [[PH:(212) 555-0183]].""",
    ),
    (
        "support",
        """\
I'm writing a macro for our helpdesk. Make this friendlier: "Your ticket has been received. \
Expected response time is 2 business days. Do not reply to this email. Reference numbers are \
shown in the subject line. Check the status page for outages.\"""",
    ),
    (
        "support",
        """\
Ticket #58360 - billing
Customer [[P:Ahmad Jamal Rahimi]] ([[L:Kabul]]) can't pay with his card [[CC:2223 6762 0029 0041]]; \
gateway returns "do not honour". Advised him to contact his bank. Email on file \
[[E:a.rahimi@kabulnet-trade.af]].""",
    ),
    (
        "support",
        """\
Warranty claim - product: Grace 2 stroller, serial GR2-0098811, purchased 14 March. Fault: \
front wheel lock snapped. Photos attached. Within 24-month warranty. Approve replacement wheel \
assembly, part no. 44-1270-B.""",
    ),
    (
        "support",
        """\
Phone log, Monday
10:02 Mr. [[P:Zoltán Farkas]] - wants invoice copy, sent to [[E:farkas.zoltan@duna-bau.hu]]
10:40 Ms. [[P:Zuzana Horáková]] - delivery to [[L:Bratislava]] late, escalated
11:15 unknown caller, no message""",
    ),
    (
        "support",
        """\
Hi, I'm [[P:Catalina]]. My son ordered a tablet using my card without asking. The card number \
is [[CC:3731 757151 02017]]. Can you cancel the order before it ships? My phone is \
[[PH:+1 415 555 0162]]. Thank you.""",
    ),
    (
        "support",
        """\
Ticket #58402 - Feature request: allow exporting reports as XLSX as well as CSV; add a \
"last 90 days" filter; remember column widths per user. Votes: 37. Product decision pending \
in the January planning round.""",
    ),
    (
        "support",
        """\
Address change request
Customer: [[P:Wambui Njoroge]]
Old: [[A:PO Box 48211-00100, Nairobi]]
New: [[A:Hse 7, Riverside Drive, Westlands, Nairobi 00800]]
Verified by phone [[PH:+254 722 604 319]].""",
    ),
    (
        "support",
        """\
escalating this one - customer [[P:bilal]] says the router from our [[L:Karachi]] store died after \
2 days. he's very angry. callback [[PH:0321 4486 017]]. manager [[P:Saima]] approved a swap.""",
    ),
    (
        "support",
        """\
Ticket #58415
Reporter: [[P:Ivan Petrovich Sokolov]] ([[P:Иван Петрович Соколов]])
Язык: русский. Customer from [[L:Novosibirsk]] cannot receive SMS codes. Number on account \
[[PH:+7 913 384 2761]]. Switched him to email OTP.""",
    ),
    (
        "support",
        """\
Customer feedback (NPS 9): "Support was quick and the agent explained everything. The app is \
much better since the autumn update, though the iPad version still crashes on the Reports tab. \
Would recommend to colleagues.\"""",
    ),
    # ---------------------------------------------------------------- crm
    (
        "crm",
        """\
Clean up this CSV export:
name,company,email,phone,city
[[P:Oyelaran Babatunde]],Lagos Ceramics,[[E:b.oyelaran@lagosceramics.ng]],[[PH:+234 701 336 4182]],[[L:Lagos]]
[[P:Eilís Ní Bhriain]],Cnoc Software,[[E:eilis@cnocsoftware.ie]],[[PH:+353 87 419 2063]],[[L:Limerick]]
[[P:Hamza Tahir]],Indus Textiles,[[E:hamza.tahir@industex.pk]],[[PH:+92 300 8815 274]],[[L:Faisalabad]]""",
    ),
    (
        "crm",
        """\
| Account | Owner | Stage | Value |
|---|---|---|---|
| Helix Biotech | [[P:Rachel Goldberg]] | Proposal | 48,000 |
| Kestrel Foods | [[P:Omar Benali]] | Negotiation | 112,500 |
| Polar Data | [[P:Anja Kristiansen]] | Closed won | 27,000 |""",
    ),
    (
        "crm",
        """\
Pipeline summary, Q4: 41 open opportunities, total weighted value 2.3m. Win rate 27% (up from 22%). \
Average cycle 64 days. Largest deal: Enterprise renewal, Stage 4. Forecast category Commit: 890k. \
Best case: 1.4m.""",
    ),
    (
        "crm",
        """\
Contact record
Family name: [[P:Nguyễn]]
Given name: [[P:Thị Mai]]
Company: Saigon Furnishings
Mobile: [[PH:+84 98 772 1406]]
Email: [[E:mai.nguyen@saigonfurnishings.vn]]
Notes: prefers WhatsApp, call after 3pm [[L:Vietnam]] time.""",
    ),
    (
        "crm",
        """\
lead_id;full_name;email;country
L-9012;[[P:Hiroshi Kobayashi]];[[E:h.kobayashi@mizuki-tec.jp]];[[L:Japan]]
L-9013;[[P:Kateřina Procházková]];[[E:prochazkova@brnosklo.cz]];[[L:Czech Republic]]
L-9014;[[P:Ömer Faruk Kılıç]];[[E:omer.kilic@egepamuk.com.tr]];[[L:Türkiye]]""",
    ),
    (
        "crm",
        """\
Activity note - call with Dr. [[P:Abiodun Fashola]] (Head of IT). He's evaluating three vendors, \
decision by end of January. Concern: data residency in [[L:Nigeria]]. Next step: send the \
security whitepaper and book a demo with [[P:Chinedu]] from solutions.""",
    ),
    (
        "crm",
        """\
| SKU | Product | Units | Revenue |
|---|---|---|---|
| BX-100 | Starter Kit | 1,204 | 36,120 |
| BX-200 | Pro Kit | 611 | 42,770 |
| BX-900 | Enterprise Bundle | 38 | 95,000 |
Totals exclude VAT and returns processed after 30 Nov.""",
    ),
    (
        "crm",
        """\
Merge these duplicate contacts:
1) [[P:Svetlana Ivanova]], [[E:s.ivanova@uralmet.ru]], [[PH:+7 343 217 4408]], [[L:Yekaterinburg]]
2) [[P:Светлана Иванова]], [[E:svetlana.ivanova@uralmet.ru]], same phone
Keep the first email as primary.""",
    ),
    (
        "crm",
        """\
customer_name,address,postcode,phone
"[[P:Fraser, Ailsa]]","[[A:22 Bruntsfield Place, Edinburgh EH10 4HN]]",,"[[PH:07700 900 284]]"
"[[P:Mwale, Chikondi]]","[[A:Plot 14, Area 43, Lilongwe]]",,"[[PH:+265 991 40 72 18]]"
"[[P:Sato, Ken]]","[[A:2-14-6 Ebisu, Shibuya-ku, Tokyo 150-0013]]",,"[[PH:03-5789-2214]]\"""",
    ),
    (
        "crm",
        """\
Account plan - FY27
Objectives: expand from 2 to 5 business units; land the analytics add-on; reduce churn risk \
flagged in the Q3 health score. Key dates: budget cycle in February, renewal 30 June. \
Risks: new CFO, competing RFP.""",
    ),
    (
        "crm",
        """\
Opportunity: Greenfield rollout - note: customer is in [[L:Dammam]], not [[L:Riyadh]].
Champion: [[P:Noura Al-Qahtani]] ([[E:noura.q@gulfmarine.sa]])
Economic buyer: [[P:Faisal bin Saad Al-Dossary]]
Next step: on-site workshop week of 12 Jan.""",
    ),
    (
        "crm",
        """\
Export (Markdown):
| Name | Title | Phone |
|---|---|---|
| [[P:Pedro Álvarez García]] | Procurement Manager | [[PH:+34 915 48 22 19]] |
| [[P:Beatriz Souza Lima]] | CFO | [[PH:+55 11 3078-4412]] |
| [[P:Francesca Moretti]] | Ops Director | [[PH:+39 02 8734 5510]] |""",
    ),
    (
        "crm",
        """\
Churn report, November: 14 accounts cancelled (7 SMB, 5 mid-market, 2 enterprise). Top reasons: \
price (6), missing integrations (4), moved to in-house tool (3), other (1). Save offers \
accepted: 5. Net revenue retention 104%.""",
    ),
    (
        "crm",
        """\
Write a follow-up email from these call notes: spoke to [[P:Kerstin Hoffmann]] at Rheinwerk GmbH, \
[[L:Düsseldorf]]. Interested in 40 seats. Wants pricing in EUR and a reference customer in \
[[L:Austria]]. Her assistant [[P:Jana]] schedules meetings: [[PH:+49 211 5839 204]].""",
    ),
    (
        "crm",
        """\
id,contact,role,region
301,[[P:Mbali Zungu]],Buyer,[[L:Gauteng]]
302,[[P:Themba Nkosi]],Engineer,[[L:KwaZulu-Natal]]
303,[[P:Ruth Adjei-Boateng]],Director,[[L:Ashanti Region]]
304,[[P:Kojo Annan-Forson]],Buyer,[[L:Greater Accra]]""",
    ),
    (
        "crm",
        """\
Campaign results: "Winter Webinar Series" - 2,310 registrations, 41% attendance, 186 MQLs, 22 SQLs. \
Best session: "Automating month-end close". Worst: "Intro to the API". Recommend repeating the top \
two sessions in March.""",
    ),
    (
        "crm",
        """\
New lead from the [[L:Kuala Lumpur]] trade fair: [[P:Siti Nurhaliza binti Ahmad]], purchasing, \
Tropika Foods Sdn Bhd. Card says [[PH:+60 12-338 7410]] and [[E:siti.ahmad@tropikafoods.my]]. \
Also met her colleague [[P:Lim Wei Jie]].""",
    ),
    (
        "crm",
        """\
Customer card payment on file (for the renewal):
Name on card: [[P:Arvid Sjöberg]]
Number: [[CC:5348-1371-8116-1472]]
Billing address: [[A:Sveavägen 64, 111 34 Stockholm]]
Note: customer asked us to delete the card after charging.""",
    ),
    (
        "crm",
        """\
| Region | Q1 | Q2 | Q3 | Q4 |
|---|---|---|---|---|
| North | 1.2 | 1.4 | 1.1 | 1.6 |
| South | 0.8 | 0.9 | 1.0 | 1.1 |
| Online | 2.1 | 2.3 | 2.6 | 3.0 |
Figures in millions; Q4 is forecast.""",
    ),
    (
        "crm",
        """\
Notes: Mr. [[P:Kim]] ([[P:김도윤]]) from [[L:Seoul]] called back. Wants a trial for his team of 12. \
His colleague [[P:Choi Seo-yeon]] handles procurement ([[E:sy.choi@daehanlogis.co.kr]]).""",
    ),
    (
        "crm",
        """\
Please deduplicate: "[[P:Jean-Baptiste de Montfort]]", "[[P:J.-B. de Montfort]]" and \
"[[P:JB Montfort]]" are the same person at Vignobles du Sud, [[L:Bordeaux]]. Use \
[[E:jb.demontfort@vignoblesdusud.fr]] and [[PH:+33 5 56 48 21 90]].""",
    ),
    (
        "crm",
        """\
Renewal checklist: confirm seat count, apply the 3-year discount (8%), update the order form to \
the new template (OF-2027), get legal sign-off if the MSA is older than 2022, and send via the \
e-signature tool. Target close: 20 December.""",
    ),
    (
        "hr",
        """Reasonable adjustment request from [[P:Yasmin Al-Sayed]] ([[P:ياسمين السيد]]): a sit-stand desk \
and screen-reader licence. Her manager [[P:Callum Rennie]] supports it. Deliver to \
[[A:Floor 3, 200 St Vincent Street, Glasgow G2 5RQ]]. Contact: [[PH:0141 496 0388]].""",
    ),
    (
        "support",
        """\
Fraud report - customer [[P:Lakshmi Narayanan]] says two charges on card [[CC:6011 7127 3583 0378]] \
were made in [[L:Lisbon]] while she was at home in [[L:Coimbatore]]. Card blocked, new card \
requested. Callback [[PH:+91 94433 61027]].""",
    ),
    (
        "crm",
        """\
Won deal - handoff to onboarding
Customer: Fjordline Analytics ([[L:Trondheim]])
Sponsor: [[P:Eirik Solberg]], [[E:eirik.solberg@fjordline-analytics.no]], [[PH:+47 412 83 905]]
Admin user: [[P:Marit Aasen]]
Kick-off requested in the week of 11 January.""",
    ),
]
