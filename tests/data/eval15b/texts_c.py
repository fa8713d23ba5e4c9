"""Hand-written marked-up texts: academic snippets, legal text, medical handover notes."""

TEXTS: list[tuple[str, str]] = [
    # ---------------------------------------------------------------- academic
    (
        "academic",
        """\
Improve the flow of this related-work paragraph:

Early work on sparse attention ([[P:Nakamura]] et al., 2019; [[P:Obi]] and [[P:Lindqvist]], 2020) \
reduced memory but hurt accuracy. [[P:Ferreira]] (2021) showed that local windows suffice for \
most tasks, while [[P:Zhang]], [[P:Kovács]] and [[P:Mehta]] (2022) proposed a learned routing scheme.""",
    ),
    (
        "academic",
        """\
Title: Soil microbiome shifts under drip irrigation in semi-arid maize
Authors: [[P:Amare Worku]]¹, [[P:Hirut Bekele]]¹, [[P:Johannes Vogt]]², [[P:Chipo Mutasa]]³
¹ Haramaya University, [[L:Ethiopia]]; ² University of Hohenheim, [[L:Germany]]; \
³ University of Zimbabwe, [[L:Harare]]
Corresponding author: [[E:amare.worku@haramaya-agri.edu.et]]""",
    ),
    (
        "academic",
        """\
Abstract. We study the convergence of stochastic gradient descent with momentum on non-convex \
objectives satisfying the Polyak-Lojasiewicz condition. We prove a rate of O(1/T) under a \
bounded-variance assumption and show experimentally on CIFAR-10 and ImageNet that the bound is \
tight up to constants.""",
    ),
    (
        "academic",
        """\
References
[1] [[P:Okonjo, C. N.]], & [[P:Haddad, R.]] (2018). Trust in automated triage. J. Med. Inform., 41(3), 210-224.
[2] [[P:Sørensen, M.]] (2020). Queueing in emergency departments. Oper. Res. Health, 12, 55-71.
[3] [[P:Iwasaki, T.]], [[P:Park, S.-J.]], & [[P:Rao, V.]] (2023). Triage at scale. [[L:Boston]]: MIT Press.""",
    ),
    (
        "academic",
        """\
As [[P:Bourdieu]] argued, taste is a marker of class; yet [[P:Mahmood]]'s (2005) ethnography in \
[[L:Cairo]] complicates this by showing piety as self-cultivation. Building on [[P:Appadurai]] and \
on recent fieldwork by [[P:Ngũgĩ wa Kamau]] in [[L:Mombasa]], we ask how...""",
    ),
    (
        "academic",
        """\
Acknowledgements: We thank [[P:Ewa Jabłońska]] for help with the cryo-EM data, [[P:Tomoko Fujii]] \
for the plasmids and two anonymous reviewers. Sequencing was done at the genomics core in \
[[L:Heidelberg]]. Funding: grant 2024-RX-1187.""",
    ),
    (
        "academic",
        """\
Table 3 reports mean accuracy over five seeds. The transformer baseline reaches 81.2 (SD 0.4); \
our model reaches 84.7 (SD 0.3). Ablating the gating unit drops accuracy to 82.0. Differences \
are significant at p < 0.01 (paired t-test, df = 4).""",
    ),
    (
        "academic",
        """\
Can you check the citation format? "[[P:Al-Khwarizmi, Y.]], [[P:Tehrani, P.]], & [[P:Demir, C.]] \
(2021). Urban heat islands in [[L:Tehran]] and [[L:Ankara]]: a comparative remote-sensing study. \
Remote Sens. Environ., 262, 112503.\"""",
    ),
    (
        "academic",
        """\
Thesis committee: Prof. [[P:Margarethe Engel]] (supervisor), Prof. [[P:Luca Ferraro]], \
Dr. [[P:Sunita Rao]]. Candidate: [[P:Oliver Brandt]]. Defence: 16 January, 14:00, Hörsaal 3. \
Questions to [[E:phd-office@physik.uni-example.de]].""",
    ),
    (
        "academic",
        """\
Following [[P:Hochreiter]] and [[P:Schmidhuber]] (1997), we use LSTM units; unlike [[P:Cho]] et \
al. (2014), we do not share the reset gate. Our setup mirrors that of [[P:Vaswani]] et al. (2017) \
for the encoder.""",
    ),
    (
        "academic",
        """\
Reviewer 2: The paper is well written but the evaluation is limited to English. The claim in \
Section 4.2 that the method is "language-agnostic" is not supported. Please add at least one \
morphologically rich language and report variance across runs. Minor: Figure 5 axis labels.""",
    ),
    (
        "academic",
        """\
Field notes, day 12. Interviewed Mama [[P:Achieng]]'s neighbour [[P:Otieno]] near [[L:Kisumu]]. \
He recalled the 1997 floods and the cooperative founded by [[P:Wycliffe Oduya]]. Translation by \
[[P:Grace Akinyi]].""",
    ),
    (
        "academic",
        """\
Author list for the camera-ready: [[P:Xu Mingyang]], [[P:Liu Yiran]], [[P:Rajat Banerjee]], \
[[P:Ayşe Çelik]], [[P:Mateus Cardoso]] and [[P:Kirsten Olsen]]. [[P:Xu]] and [[P:Liu]] contributed \
equally. Please order affiliations by first appearance.""",
    ),
    (
        "academic",
        """\
Methods. Participants (n = 412) were recruited through two outpatient clinics between March 2023 \
and June 2024. Exclusion criteria: prior stroke, eGFR < 30, pregnancy. The primary outcome was \
systolic blood pressure at 12 weeks. Analysis followed the intention-to-treat principle.""",
    ),
    (
        "academic",
        """\
Seminar announcement: "Rethinking the caravan trade" - Dr [[P:Farzaneh Mostafavi]] ([[L:Isfahan]]) in \
conversation with Prof. [[P:Timur Rakhimov]] ([[L:Samarkand]]). Chair: [[P:Ruth Evans-Hughes]].""",
    ),
    (
        "academic",
        """\
Summarise: "[[P:Kowalczyk]] (2016) found no effect of class size in [[L:Poland]], but a \
re-analysis by [[P:Nowicki]] and [[P:Zając]] (2019) using regional data from [[L:Silesia]] found \
a small positive effect for pupils under nine.\"""",
    ),
    (
        "academic",
        """\
Lecture 7 outline: Dijkstra's algorithm, Bellman-Ford, the Floyd-Warshall algorithm, and \
A* search with admissible heuristics. Problem set 4 is due Monday. Office hours move to \
Thursday this week because of the Thanksgiving break.""",
    ),
    (
        "academic",
        """\
[[P:Pham Quoc Bao]], [[P:Dang Thi Lan]]. Mangrove loss in the [[L:Mekong Delta]], 2000-2020. \
In: Proceedings of the Regional GIS Conference, [[L:Hanoi]], pp. 88-97. Contact: \
[[E:pqbao@vnu-geo.edu.vn]].""",
    ),
    (
        "academic",
        """\
Peer review assignment: paper #412 to [[P:R. K. Narayanan]] and [[P:M. E. Ó Conaill]]; paper #418 \
to [[P:T. Abdullahi]]. Deadline 9 January. Conflicts: [[P:Narayanan]] co-authored with the first \
author of #418.""",
    ),
    (
        "academic",
        """\
ΠΕΡΙΛΗΨΗ. Η μελέτη των [[P:Γεωργίου]] και [[P:Αντωνίου]] (2020) εξετάζει τη διάβρωση των ακτών \
στην [[L:Κρήτη]]. Translated abstract by [[P:Eleni Georgiou]] for the English edition.""",
    ),
    (
        "academic",
        """\
The Hubble constant tension persists: early-universe estimates give about 67 km/s/Mpc, while \
distance-ladder estimates give about 73. We discuss systematic errors in Cepheid calibration \
and the Planck likelihood, and propose three falsifiable predictions.""",
    ),
    (
        "academic",
        """\
Guest lecture: [[P:Babajide Oyewole]] (Lagos Business School) on informal credit networks. \
He builds on [[P:Adaobi Nwachukwu]]'s survey of traders in [[L:Onitsha]] market.""",
    ),
    (
        "academic",
        """\
Please translate the author note: "[[P:Gómez-Herrera]] and [[P:Sánchez de la Vega]] thank \
Dña. [[P:Pilar Ortega]] of the archive in [[L:Seville]] for access to the 18th-century ledgers.\"""",
    ),
    # ---------------------------------------------------------------- legal
    (
        "legal",
        """\
THIS AGREEMENT is made on 1 December between:
(1) BLUEFIN HOLDINGS LIMITED, whose registered office is at [[A:40 Queen Street, London EC4R 1DD]] \
("the Landlord"); and
(2) [[P:PRIYA RAMANATHAN]] of [[A:12 Oakfield Road, Bristol BS8 2AL]] ("the Tenant").""",
    ),
    (
        "legal",
        """\
Simplify this clause for a non-lawyer: "The Receiving Party shall not disclose Confidential \
Information to any third party save to its employees, officers and professional advisers who \
need to know the same for the Purpose and who are bound by obligations of confidentiality no \
less onerous than those herein.\"""",
    ),
    (
        "legal",
        """\
IN THE HIGH COURT OF JUSTICE
BETWEEN: [[P:MARTIN ANTHONY GALLAGHER]] (Claimant)
and [[P:SHABNAM TAHERI]] (Defendant)
WITNESS STATEMENT OF [[P:DEREK OYELOWO-SMITH]]
I, [[P:Derek Oyelowo-Smith]], of [[A:5 Elm Court, Reading RG1 3EX]], say as follows:""",
    ),
    (
        "legal",
        """\
Summarise this case note: In [[P:Kariuki]] v. Bayside Traders, the court held that the \
employer was vicariously liable. Judge [[P:Njeri Wachira]] relied on the earlier decision in \
[[P:Otieno]] v. [[P:Mutua]] and awarded damages of KES 2.4m.""",
    ),
    (
        "legal",
        """\
Power of attorney. I, [[P:Francesca Maria Esposito]], born in [[L:Naples]], residing at \
[[A:Via dei Mille 21, 80121 Napoli]], appoint [[P:Giovanni Esposito]] as my attorney to sell \
the property described in Schedule 1.""",
    ),
    (
        "legal",
        """\
Clause 14 (Force Majeure). Neither party shall be liable for delay caused by events beyond its \
reasonable control, including acts of God, war, strikes, epidemics and failures of public \
utilities, provided it notifies the other party within 5 Business Days.""",
    ),
    (
        "legal",
        """\
NOTICE OF TERMINATION
To: [[P:Kaveh Jahanbakhsh]], [[A:Flat 9, 71 Kingsland Road, London E2 8AG]]
From: Greystone Lettings on behalf of [[P:Edith Marlowe]]
Take notice that the tenancy will end on 28 February. Queries: [[PH:020 7946 0351]].""",
    ),
    (
        "legal",
        """\
Parties to the share purchase: Seller [[P:Hans-Dieter Brückner]] ([[L:Stuttgart]]); Buyer Nordlys \
Invest AS, represented by [[P:Ingvild Haugen]]. Escrow agent: Maître [[P:Antoine Lefèvre]], notary \
in [[L:Strasbourg]].""",
    ),
    (
        "legal",
        """\
Explain what "time is of the essence" means in this contract, and whether the Limitation Act \
period of six years applies to a claim under clause 9. The contract was signed in April 2021 \
and the breach happened in August 2022.""",
    ),
    (
        "legal",
        """\
Deed poll: I, [[P:Olusola Bankole]], formerly known as [[P:Olusola Bankole-Adeyinka]], of \
[[A:33 Denmark Hill, London SE5 8RS]], abandon the use of my former name. Witness: \
[[P:Theresa Nwankwo]], solicitor.""",
    ),
    (
        "legal",
        """\
Redact this before I share it: "The claimant, Mr [[P:Aziz Karimov]], can be contacted on \
[[PH:+998 90 731 44 28]] or at [[E:aziz.karimov@uzmail.uz]]. His representative is \
[[P:Dilnoza Yusupova]] in [[L:Tashkent]].\"""",
    ),
    (
        "legal",
        """\
Will and testament (extract): I give my house to my daughter [[P:Rosalind]] and my stamp collection \
to my grandson [[P:Alfie Pemberton]]. I appoint [[P:Bernard Ashcroft]] of Ashcroft & Lowe LLP as \
executor.""",
    ),
    (
        "legal",
        """\
The tribunal reviewed the Washington Convention, the ICSID Rules and the bilateral investment \
treaty. It declined jurisdiction over the umbrella clause claim and reserved costs. Procedural \
Order No. 3 fixes the hearing for the week of 9 March.""",
    ),
    (
        "legal",
        """\
LEASE SCHEDULE
Premises: [[A:Unit 4, Riverside Business Park, Leeds LS11 5DN]]
Tenant's guarantor: [[P:Bashir Ahmed Malik]]
Landlord's solicitor: [[P:Catriona Munro]], [[E:c.munro@munro-legal.co.uk]], [[PH:0113 496 0729]]""",
    ),
    (
        "legal",
        """\
Translate into plain English: "Het vonnis van de rechtbank te [[L:Rotterdam]] in de zaak tussen \
[[P:Maarten van Dijk]] en [[P:Ilse de Boer]] wordt bekrachtigd.\"""",
    ),
    (
        "legal",
        """\
Settlement agreement between Coldharbour Engineering Ltd and Ms [[P:Teresa Kovalenko]]. The \
company will pay £8,500 within 14 days. Ms [[P:Kovalenko]] confirms she has received advice from \
[[P:Alan Beaumont]] of Beaumont Employment Law.""",
    ),
    (
        "legal",
        """\
Data processing addendum, Annex II: technical and organisational measures include encryption \
in transit (TLS 1.2+), encryption at rest (AES-256), role-based access, quarterly access reviews, \
annual penetration tests and a 72-hour breach notification window.""",
    ),
    (
        "legal",
        """\
Court listing, Courtroom 6, Tuesday:
10:00 R v [[P:Jamie Lee Thornbury]] - plea
10:30 R v [[P:Adnan Hussain]] - sentence
11:30 [[P:Cheng]] v [[P:Holloway]] - directions
Judge: HHJ [[P:Rowena Pryce]]""",
    ),
    (
        "legal",
        """\
Contrato de arrendamiento entre D. [[P:Javier Morales Ruiz]] y Dña. [[P:Lucía Fernández Ortega]], \
con domicilio en [[A:Calle de Alcalá 214, 28028 Madrid]]. Teléfono de contacto: \
[[PH:+34 612 48 39 05]].""",
    ),
    (
        "legal",
        """\
Non-compete review: the 24-month restriction covering all of [[L:Europe]] is probably too wide. \
Courts in [[L:England]] usually accept 6-12 months for a sales director. Ask [[P:Bettina]] in our \
[[L:Frankfurt]] office about the position under German law.""",
    ),
    (
        "legal",
        """\
Is a verbal agreement binding if the parties later sign a written contract with an entire \
agreement clause? Context: the supplier promised free maintenance on a call, but the signed \
Master Services Agreement, version 3.1, says nothing about it.""",
    ),
    (
        "legal",
        """\
Statutory declaration. I, [[P:Aleksei Nikolaevich Morozov]] ([[P:Алексей Николаевич Морозов]]), \
declare that I lost my passport in [[L:Vilnius]] on 14 October and have not found it.""",
    ),
    # ---------------------------------------------------------------- medical
    (
        "medical",
        """\
Handover - Ward 7B, night shift
Bed 3: Mrs [[P:Agnieszka Zielińska]], 78, #NOF day 2 post-op, pain controlled, needs bloods at 06:00.
Bed 5: Mr [[P:Oluwafemi Balogun]], 64, CAP on IV abx, sats 94% on 2L. Son [[P:Tayo]] calls at night - \
[[PH:07700 900 561]].""",
    ),
    (
        "medical",
        """\
Rewrite for a patient leaflet: "Take one tablet twice daily with food. Do not drink alcohol. \
If you develop a rash, swelling of the face or difficulty breathing, stop the tablets and seek \
urgent medical help. Finish the whole course even if you feel better.\"""",
    ),
    (
        "medical",
        """\
SBAR - Patient: [[P:Hussein Abdi Nur]], DOB 04/07/1959
S: new-onset confusion. B: T2DM, CKD 3. A: BM 2.8, given glucose. R: review by Dr [[P:Kapoor]], \
recheck BM in 15 min. NOK: [[P:Hodan Nur]] (daughter) [[PH:+44 7700 900 812]].""",
    ),
    (
        "medical",
        """\
Clinic letter. Dear Dr [[P:MacPherson]], I reviewed [[P:Isla Cameron]] (age 9) in the paediatric \
asthma clinic today. Her inhaler technique has improved. Plan: step down to low-dose ICS. \
Review in 3 months in [[L:Inverness]]. Yours, Dr [[P:Anand Krishnamurthy]]""",
    ),
    (
        "medical",
        """\
Explain in simple words: HbA1c 58 mmol/mol, eGFR 52, ALT 41, LDL 3.1. Is this bad? The GP \
said to come back in 3 months and start metformin 500 mg once daily with the evening meal.""",
    ),
    (
        "medical",
        """\
Ambulance handover (ATMIST): Age 34, female, [[P:Daniela Ionescu]]. Time of injury 21:40. \
Mechanism: cyclist v car at 30 mph in [[L:Cluj-Napoca]]. \
Injuries: L wrist deformity. Signs: GCS 15, HR 102. Treatment: splint, entonox.""",
    ),
    (
        "medical",
        """\
Theatre list, Thursday: 1) lap chole - Mr [[P:Seun Ogundipe]]; 2) hernia repair - \
Ms [[P:Ioana Marinescu]]; 3) excision of lipoma - Mr [[P:Kenta Mori]]. Surgeon: Mr [[P:Ravindran]]. \
Anaesthetist: Dr [[P:Liesbeth Claes]].""",
    ),
    (
        "medical",
        """\
Infection control update: norovirus cases on two wards this week. Close bays with symptomatic \
patients, use soap and water rather than alcohol gel, and exclude symptomatic staff for 48 hours \
after their last episode. Visiting restricted until further notice.""",
    ),
    (
        "medical",
        """\
Discharge summary
Patient: [[P:Kwabena Owusu-Ansah]]
Address: [[A:19 Goldhawk Road, London W12 8QQ]]
GP: Dr [[P:Sabine Kessler]], Shepherd's Bush Surgery
Diagnosis: DVT left leg. Apixaban for 3 months. Follow-up: anticoagulation clinic.""",
    ),
    (
        "medical",
        """\
midwife notes: [[P:ayesha]] (G2P1) 39+2, contractions 3 in 10. partner [[P:faisal]] present. \
plan: transfer to labour ward. call dr [[P:ng]] if CTG changes.""",
    ),
    (
        "medical",
        """\
What is the usual adult dose of amoxicillin for a chest infection, and how long should it be \
taken? Also, can it be taken with ibuprofen? Asking for a first-aid training quiz for the \
warehouse team, not for a patient.""",
    ),
    (
        "medical",
        """\
Referral: Please see [[P:Noa Ben-David]], 45, with a 6-week history of dyspepsia and weight loss. \
Lives in [[L:Haifa]] but is staying with her sister [[P:Tamar]] in [[L:London]] until March. \
Contact [[PH:+972 54 318 2260]].""",
    ),
    (
        "medical",
        """\
ICU handover (day): Bed 2 [[P:Tran Van Long]] - intubated, weaning today. Bed 4 [[P:Eleanor Whitfield]] \
- on noradrenaline 0.1. Bed 6 empty. Consultant on call: Dr [[P:Mahesh Reddy]], bleep 4417.""",
    ),
    (
        "medical",
        """\
Pharmacy note: Warfarin interacts with clarithromycin; check INR within 3-5 days of starting. \
Avoid co-prescribing simvastatin above 20 mg with amlodipine. The formulary update (version 14) \
removes two brands of insulin glargine.""",
    ),
    (
        "medical",
        """\
Home visit record - district nursing
Patient: [[P:Dorothy Featherstone]], [[A:7 Ivy Cottages, Hebden Bridge HX7 8AD]]
Wound dressing changed, healing well. Husband [[P:Arthur]] managing medication. \
Next visit Friday. Tel [[PH:01422 496 073]].""",
    ),
    (
        "medical",
        """\
Translate to Arabic for the family: "Your father, Mr [[P:Khalid Mansour]], is stable. Dr [[P:Petersen]] \
will explain the scan results tomorrow at 10." Family contact: [[P:Rania Mansour]], [[PH:+971 50 462 8193]].""",
    ),
    (
        "medical",
        """\
Mental health triage note: [[P:Callum]] (17) brought in by mum [[P:Lorraine Buchanan]] after \
disclosure at school in [[L:Paisley]]. Low mood 3 months, no plan. CAMHS referral made. \
Safety plan given.""",
    ),
    (
        "medical",
        """\
Audit results: 92% of patients had a VTE assessment within 24 hours (target 95%). Sepsis \
six bundle within one hour: 78%. Hand hygiene compliance: 96%. Actions agreed at the December \
quality meeting; re-audit in March.""",
    ),
    (
        "medical",
        """\
Physio note: [[P:Jarosław Wójcik]], post TKR day 3, mobilising with frame, flexion 75 degrees. \
Daughter [[P:Kasia]] will stay with him after discharge to [[L:Slough]].""",
    ),
    (
        "medical",
        """\
GP summary for insurer (patient consented): [[P:Nomsa Dlamini]], DOB 12/02/1981, address \
[[A:112 Jan Smuts Avenue, Parktown North, Johannesburg 2193]]. Conditions: hypertension \
(controlled). Medications: amlodipine 5 mg.""",
    ),
    (
        "medical",
        """\
病历交接：3床 [[P:刘秀英]]，女，72岁，肺炎第4天，体温正常。家属[[P:刘强]]电话 [[PH:138 0571 4426]]。\
明天上午请[[P:黄]]医生查房。""",
    ),
    (
        "medical",
        """\
Vaccination clinic FAQ: flu and COVID boosters can be given at the same visit. Bring your NHS \
number if you have it. Walk-ins welcome on Saturdays from 9 to 1. Children under 12 need a \
parent or guardian present.""",
    ),
    (
        "legal",
        """\
Guarantee (extract): The Guarantor, [[P:Zhao Lihua]] ([[P:赵丽华]]), of \
[[A:Flat 12B, 88 Caine Road, Mid-Levels, Hong Kong]], guarantees the obligations of the Borrower, \
[[P:Wong Ka-ming]], under the Loan Agreement dated 3 June.""",
    ),
    (
        "medical",
        """\
Pre-op call: Ms [[P:Bich Ngoc Phan]] confirmed fasting from midnight. Her husband [[P:Quang]] will \
drive her to the day unit and collect her; his mobile is [[PH:07700 900 946]]. Card for the \
parking prepayment: [[CC:3505 5548 8858 8571]] (she insisted - please shred this note).""",
    ),
]
