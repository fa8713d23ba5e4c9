## prose_blind templates: prompts employees send to an AI assistant and texts they paste.
## Slot-free blocks are used once; blocks with <<slots>> are expanded in turn with fresh values.
Can you rewrite this email so it sounds less passive-aggressive?

"Hi <<P1.first>>,

As I mentioned twice already, the Q3 numbers for the <<COMPANY>> account were due on Friday. I still don't have them. Please send them today or let me know what's blocking you.

Thanks,
<<P2>>"
===
Summarise these meeting notes into 3 bullet points for the exec update.

Weekly sync – <<DATE>>
Attendees: <<P1>>, <<P2>>, <<P3>>, <<P4.first>> (guest)
Apologies: <<P5>>
- <<P2.first>> walked through the <<PRODUCT>> migration; cutover slips to <<MONTH>>.
- <<P3.first>> raised the vendor contract in <<CITY>>; legal still reviewing.
- Action: <<P1.first>> to book the workshop room, <<P4.first>> to share the deck.
===
Why is [[PERSON:Callum]] so quiet in standups lately? Any tips for how I bring it up in our 1:1 without making it weird?
===
Why is <<P1.first>> always late to the Monday call? I'm their manager and I want to raise it kindly. Draft me two opening lines.
===
how do i tell <<P1.first|lower>> that the demo tomorrow is cancelled without sounding like it's their fault lol
===
Translate to English please: "Sehr geehrte Frau <<P1@de.last>>, vielen Dank für Ihre Nachricht. Ich rufe Sie morgen unter <<PHONE:de>> zurück. Mit freundlichen Grüßen, <<P2@de>>"
===
Draft a polite reply to this support ticket.

Ticket #<<NUM:NDDDD>>
From: <<P1>> <<<P1.email>>>
Subject: Refund not received
Body: I returned the headset on <<DATE>> and still haven't got my money back. Order <<ORDER>>. Please call me on <<PHONE>>.
===
HR note (confidential): <<P1>> (employee ID <<NUM:EDDDDD>>) requested parental leave from <<MONTH>> 3. Manager <<P2>> approved. Home address on file: <<ADDR:uk>>. SSN not applicable. Please draft the confirmation letter.
===
Write a letter to our new hire confirming payroll setup.

Name: <<P1>>
SSN: <<SSN>>
Address: <<ADDR:us>>
Start date: <<DATE>>
Direct deposit will go to the account ending in <<NUM:DDDD>>.
===
Is this phishing? I got it this morning:

"Dear customer, your card <<CARD:visa>> has been suspended. Call <<PHONE:us>> immediately or reply to <<EMAIL>> with your PIN."
===
Can you turn this into a table? name / city / phone
<<P1>> - <<CITY>> - <<PHONE>>
<<P2>> - <<CITY>> - <<PHONE>>
<<P3>> - <<CITY>> - <<PHONE>>
===
Clean up this CSV, the quoting is broken:

id,full_name,email,phone,city
1041,"<<P1.lastfirst>>",<<P1.email>>,<<PHONE>>,<<CITY>>
1042,"<<P2.lastfirst>>",<<P2.email>>,<<PHONE>>,<<CITY>>
1043,<<P3>>,<<P3.email>>,,<<CITY>>
===
Please fix the grammar: "me and <<P1.first>> was going to <<CITY>> next week for the trade fair but his visa got delayed"
===
CC: <<P1>>; <<P2>>; <<P3.email>>
Subject: Re: <<PRODUCT>> licence renewal

Can you summarise the thread below in two sentences?
===
Hi, I need a short bio for the conference programme. Here's what I have: <<P1>> leads data engineering at <<COMPANY>>. Born in <<CITY>>, studied in <<COUNTRY>>, now based in <<CITY>>. Enjoys trail running.
===
Write a LinkedIn post congratulating <<P1>> on 10 years with the team. Keep it under 80 words and mention the <<REGION>> rollout she led.
===
BY <<P1|upper>> AND <<P2|upper>>

<<CITY|upper>> — Regional officials said on Tuesday that the new tram line would open in <<MONTH>>, two years later than planned. Summarise this for our newsletter in one paragraph.
===
By <<P1>>, <<CITY>>

Shipping volumes through the port rose 4 percent in the third quarter, the harbour authority said. Analysts at <<COMPANY>> expect the trend to continue into next year as exporters in <<COUNTRY>> diversify routes. Rewrite this lead in plain English.
===
Match report to tidy up: Harbour Hawks 2–1 Valley Rovers. Goals: <<P1.last>> 12', <<P2.last>> 78' (pen); <<P3.last>> 55' for the visitors. Man of the match <<P1>>. Attendance 4,812.
===
Results (under-14 chess, round 5): <<P1>> 1–0 <<P2>>; <<P3>> ½–½ <<P4>>; <<P5>> 0–1 <<P6>>. Can you compute the standings table?
===
Explain what this function does:

```python
# Author: <<P1>> <<<P1.email>>>
# Reviewed-by: <<P2.first>>
def retry(fn, attempts=3):
    for i in range(attempts):
        try:
            return fn()
        except TimeoutError:
            pass
```
===
// TODO(<<P1.first|lower>>): remove once the <<PRODUCT>> webhook is fixed
// original implementation by <<P2>>, see ticket <<ORDER>>
Why does this comment block make the linter fail?
===
[09:14] <<P1.first>>: anyone seen the deploy logs?
[09:15] <<P2.first>>: yeah, failing on the migration again
[09:15] <<P1.first>>: ugh. <<P3.first>> can you look?
[09:17] <<P3.first>>: on it
Summarise this chat for someone who missed it.
===
lol <<P1.first|lower>> just told the whole channel that <<P2.first|lower>> is moving to <<CITY|lower>>. is that even public yet?? how do i ask him to delete it
===
Here is my letterhead, make it look more modern:

<<COMPANY|upper>>
<<ADDRML>>
Tel. <<PHONE>> · <<EMAIL>>
===
Please format this as an address label:
<<P1>>
<<ADDRMLC>>
===
Ship-to:
<<P1|upper>>
<<ADDRML:us>>

Can you check whether this US address looks complete?
===
I'm writing a reference for <<P1>>. She worked for me for three years at <<COMPANY>> in <<CITY>>. Can you make this paragraph stronger: "<<P1.first>> is reliable and works well with others."
===
Draft an out-of-office: I'm away until <<DATE>>. For urgent matters contact <<P1>> at <<P1.email>> or <<PHONE>>.
===
My card <<CARD>> was charged twice for the same booking (<<MONEY>>). Write a dispute message to the bank.
===
Can you check if this IBAN is formatted correctly before I send the invoice? <<IBAN>> — beneficiary <<P1>>.
===
Write a short thank-you note to <<P1.first>> and <<P2.first>> for covering my shifts while I was in <<COUNTRY>>.
===
Dear <<P1>>,

Thank you for your application for the role of Senior Analyst. We would like to invite you to an interview at our <<CITY>> office on <<DATE>> at <<TIME>>. Please confirm by replying to <<EMAIL>>.

Kind regards,
<<P2>>
Talent Acquisition
===
Re-word this so it's more formal:
"hey <<P1.first|lower>>, can u send me the slides from the <<REGION>> offsite? cheers, <<P2.first|lower>>"
===
What should I get <<P1.first>> for her farewell? She's moving back to <<COUNTRY>> after six years here and loves hiking.
===
I have a 1:1 with <<P1>> tomorrow about her promotion case. Give me five questions to ask.
===
Write the minutes in a formal tone:

Board call, <<DATE>>
Present: <<P1>> (Chair), <<P2>>, <<P3>>, <<P4>>
In attendance: <<P5>> (Company Secretary)
1. Minutes of the previous meeting approved.
2. <<P2.last>> presented the audit report; no material findings.
3. The board noted the office move to <<ADDR>>.
4. AOB: none.
===
Does this look like a real address or a fake one? <<ADDR>>
===
Who should I contact about the broken badge reader? The wiki says <<P1>> (Facilities, ext. <<NUM:NDDD>>) but she left in <<MONTH>>.
===
Can you write a haiku about <<P1.first>>'s sourdough obsession?
===
Remind me how to pronounce <<P1>>. I'm introducing them on stage tomorrow.
===
Please proofread: "On behalf of the team, I'd like to welcome <<P1>>, who joins us from <<COMPANY>> in <<CITY>>, and <<P2>>, who relocates from our <<COUNTRY>> office."
===
ATTN: ACCOUNTS PAYABLE
REMIT TO: <<COMPANY|upper>>, <<ADDR|upper>>
IBAN: <<IBAN>>
Please explain what each line on this remittance slip means.
===
Subject: Visit to <<CITY>> – itinerary

Hi <<P1.first>>,

Your driver, <<P2.first>>, will meet you at arrivals and take you to the hotel. If anything changes, call him on <<PHONE>>. Dinner is with <<P3>> and <<P4>> at 7.

Best,
<<P5.first>>
Can you shorten this?
===
Help me reply to my landlord. He says I owe two months but I paid. My address is <<ADDR>> and his name is <<P1>>.
===
ugh <<P1.first|lower>> scheduled the retro at 8am again. write me a funny slack message about it that won't get me fired
===
Write a job ad for a warehouse supervisor in <<CITY>>, <<REGION>>. Applications to <<EMAIL>>.
===
Convert to JSON: name=<<P1>>; phone=<<PHONE>>; email=<<P1.email>>; city=<<CITY>>
===
Patient intake (copied from the form): <<P1>>, DOB <<DATE>>, mobile <<PHONE>>, emergency contact <<P2>> (<<PHONE>>). Summarise for the nurse.
===
I'm planning a team trip: <<CITY>> → <<CITY>> → <<CITY>>. Which order makes sense by train?
===
Is it OK to tell a client I'm based in <<COUNTRY>> when I'm actually working remotely from <<COUNTRY>> this month?
===
Dear Mr <<P1.last>>,
Please find attached the signed NDA. Any questions, I'm on <<PHONEX>>.
Regards,
<<P2>>
Rewrite the sign-off to be warmer.
===
INCIDENT REPORT – <<DATE>>
Reported by: <<P1>>
Location: Loading bay 3
Description: Forklift contact with racking. No injuries. Witness: <<P2>>.
Turn this into an email to the safety committee.
===
Can you explain to <<P1.first>> (she's 9) why the sky is blue? Keep it to three sentences.
===
Write an intro email connecting <<P1>> (procurement, <<COMPANY>>) with <<P2>> (sales, <<COMPANY>>). Both are in <<CITY>>.
===
My colleague <<P1>> keeps cc'ing my boss on everything. How do I address it?
===
Draft a condolence card message to <<P1.first>> whose father passed away last week in <<CITY>>.
===
Reconcile these two lists and tell me who is missing from the second:
A: <<P1>>, <<P2>>, <<P3>>, <<P4>>
B: <<P2>>, <<P4>>, <<P1>>
===
The customer <<P1>> says her billing address is <<ADDR>> but the card on file (<<CARD>>) is registered elsewhere. What should the agent ask next?
===
Write a two-line reminder to <<P1.first>> that the passport scan is still missing. Her email is <<P1.email>>.
===
summarise pls:
from: <<P1.email>>
to: <<P2.email>>, <<P3.email>>
date: <<DATE>>
"team, the <<PRODUCT>> outage yesterday was caused by an expired certificate. <<P4.first>> renewed it at <<TIME>>. postmortem thursday."
===
Please write a toast for <<P1.first>> and <<P2.first>>'s wedding. They met in <<CITY>> while both working for <<COMPANY>>.
===
Dear <<P1@el>>,

We confirm your booking in <<CITY>> from <<DATE>>. Please contact reception on <<PHONE:gr>> if you arrive after 22:00.

Kind regards
===
Gửi anh <<P1@vi.first>>, em là <<P2@vi>>. Please translate this Vietnamese greeting and tell me how to reply politely.
===
Tisztelt <<P1@hu>>! Kérem, hívjon vissza a <<PHONE:hu>> számon. — translate into English please.
===
Hyvä <<P1@fi.first>>, kiitos viestistä. Terveisin <<P2@fi>>. What's a natural English version?
===
Can you help me write a recommendation for <<P1@ng>>? He interned with us in <<CITY>> and then went back to <<COUNTRY>>.
===
Reminder for <<P1@in>>: the visa appointment is on <<DATE>>. Keep the confirmation page and call <<PHONE:in>> if it moves.
Rewrite as a friendly text message.
===
<<P1@zh>> and <<P2@zh>> will join the <<REGION>> project next month. Draft the welcome message.
===
Estimado <<P1@es>>: le escribimos para confirmar su cita. — can you finish this letter in Spanish, two more sentences?
===
Please rewrite for clarity: "<<P1@ar>> will present the results, after which <<P2@ar.first>> will take questions."
===
Who is <<P1@ko>> in the org chart? I have a meeting with them and I forgot their team.
===
Sign-off to improve:
Best regards,
<<P1@ie>>
Customer Success · <<COMPANY>>
M: <<PHONE:ie>> | E: <<P1@ie.email>>
===
—
<<P1>>
Head of Procurement
<<COMPANY>>
<<ADDRMLC>>
Direct: <<PHONE>> | Mobile: <<PHONE>>
Make this email signature shorter.
===
Could you draft a message asking <<P1.first>> to swap on-call with me the week of <<MONTH>> 12? I'll cover <<P2.first>>'s slot in return.
===
I want to send flowers to <<P1>> at <<ADDR>>. Write the card text.
===
Rank these candidates from the notes: <<P1>> – strong SQL; <<P2>> – great communicator; <<P3.first>> – needs visa sponsorship.
===
Please anonymise nothing, just fix typos: "<<P1.first>> and <<P2.first>> ran teh workshop in <<CITY>>, feedback was grate"
===
Turn this voicemail transcript into a note: "Hi, it's <<P1.first>> from the clinic, calling for <<P2.first>>. Please call us back on <<PHONE>>. Thanks."
===
Help me write a complaint. The courier left my parcel (tracking <<TRACK>>) outside <<ADDR>> in the rain.
===
Speaker list for the panel: <<P1>> (moderator), <<P2>>, <<P3>>, <<P4>>. Write a 2-sentence intro for each based only on their names? Actually just give me a template.
===
From the ticket: "Customer <<P1>> called from <<PHONE>>, card ending <<NUM:DDDD>>, wants to change delivery to <<ADDR>>." Write the agent's summary.
===
Pay slip query — employee <<P1>>, SSN <<SSN>>, says overtime for <<MONTH>> is missing. Draft a reply from payroll.
===
Write three subject lines for a newsletter about our expansion into <<COUNTRY>> and <<REGION>>.
===
Is <<P1.first>> a boy's or a girl's name? I need to write "Dear Mr/Ms" and I don't want to get it wrong.
===
I'm meeting <<P1>> for coffee. She's from <<CITY>>. Any small-talk ideas that aren't cliché?
===
## --------------------------------------------------------------- long texts
Please summarise this email thread for my manager in five bullet points, and flag anything that needs a decision from us.

From: <<P1>> <<<P1.email>>>
Sent: <<DATE>> <<TIME>>
To: <<P2>>; <<P3>>
Cc: <<P4.email>>
Subject: RE: Warehouse move – open items

Hi <<P2.first>>, hi <<P3.first>>,

Quick update after the site visit in <<CITY>> yesterday. The landlord confirmed the new unit at <<ADDR>> is available from the first of <<MONTH>>, but the loading dock needs work before our racking can go in. <<P4.first>> from facilities thinks two weeks; the contractor says four.

Open items:
1. Insurance: the broker (<<P5>>, <<PHONE>>) needs the final floor plan by Friday.
2. IT: network survey booked with <<COMPANY>>; they want a contact on site – can that be you, <<P3.first>>?
3. Budget: we are about <<MONEY>> over because of the dock. I'd rather not cut the sprinkler upgrade.

If we can't agree by Thursday I'll escalate to <<P6>>.

Thanks,
<<P1.first>>
<<P1>> | Operations Lead | <<COMPANY>>
Mobile <<PHONE>>
===
I need help turning these raw interview notes into a structured scorecard (criteria: technical depth, communication, ownership, culture add). Be fair and don't invent anything.

Candidate: <<P1>>
Panel: <<P2>> (hiring manager), <<P3>> (senior engineer), <<P4>> (product)
Date: <<DATE>>

<<P2.first>>: Strong on distributed systems, explained the outage at her last job at <<COMPANY>> clearly, owned the fix end to end. Slightly vague on testing strategy.
<<P3.first>>: Coding exercise solid, finished early, good naming. Asked smart questions about our on-call rota. Would like to see more depth on databases.
<<P4.first>>: Communicates well with non-engineers, gave a good example of pushing back on scope with a stakeholder in <<CITY>>. Wants to relocate to <<COUNTRY>> in two years, which may matter for the role.

References: <<P5>> (former manager, <<PHONE>>), <<P6>> (peer, <<P6.email>>).
===
Here's a news item for the internal newsletter. Can you cut it to about 120 words and give it a catchier headline?

<<CITY|upper>> — Volunteers from our <<CITY>> and <<CITY>> offices spent last Saturday restoring a community garden on the edge of town. The project was organised by <<P1>>, who has coordinated the company's volunteering programme in <<REGION>> since 2021, together with <<P2>> from the local residents' association.

"We had forty people turn up, including kids," said <<P2.first>>. "The new beds will supply the food bank through the winter."

The garden, which had been neglected since the pandemic, now has raised beds, a tool shed donated by <<COMPANY>>, and a rainwater tank. <<P3>>, a landscape architect who volunteered her weekend, drew up the plans for free.

Next spring the team plans a similar day in <<COUNTRY>>. Anyone interested can contact <<P1.first>> at <<P1.email>>.
===
Support ticket — please draft a reply that apologises, explains next steps and doesn't promise a refund we can't give.

Ticket ID: <<NUM:SR-NDDDDDD>>
Priority: High
Customer: <<P1>>
Account email: <<P1.email>>
Callback number: <<PHONE>>
Shipping address:
<<ADDRML>>

Customer wrote:
"This is the third time I'm contacting you. I ordered the standing desk (order <<ORDER>>) on <<DATE>>, paid <<MONEY>> with my card <<CARD>>, and it still hasn't arrived. Your chatbot keeps telling me it's 'in transit'. Your colleague <<P2.first>> promised me a call back on Monday which never happened. I want a delivery date today or I'll dispute the charge."

Internal notes:
- Carrier lost the first parcel; replacement dispatched yesterday, tracking <<TRACK>>.
- <<P2.first>> is on leave until next week.
- Team lead <<P3>> approved a 15% goodwill voucher.
===
Chat export from #release-war-room, can you extract the decisions and action items?

[14:02] <<P1.first>>: rollback done, error rate back to normal
[14:03] <<P2.first>>: nice. root cause?
[14:05] <<P1.first>>: config flag flipped for all tenants instead of the pilot group. <<P3.first>> found it
[14:05] <<P3.first>>: yeah the <<PRODUCT>> rollout script ignores the allowlist when the region is empty
[14:07] <<P4.first>>: customers in <<COUNTRY>> saw it for ~20 min. support has 14 tickets
[14:08] <<P2.first>>: ok. <<P3.first>> pls write the fix + test, <<P4.first>> draft the customer note, I'll tell <<P5>>
[14:09] <<P5.first>>: already here 👀 thanks all. postmortem tomorrow <<TIME>>, <<P1.first>> owns the doc
[14:10] <<P1.first>>: 👍
===
Can you check this tenancy reference letter for tone and typos before I sign it?

To whom it may concern,

I confirm that <<P1>> has rented the flat at <<ADDR>> from me since <<MONTH>> 2021. The rent of <<MONEY>> per month has always been paid on time by bank transfer to <<IBAN>>, and the property has been kept in good condition. <<P1.first>> has been a considerate neighbour and I would rent to them again without hesitation.

They are leaving only because they are relocating to <<CITY>> for work. I am happy to be contacted on <<PHONE>> or at <<P2.email>> if you need more information.

Yours faithfully,

<<P2>>
Landlord
===
Please draft a reply to this customer email in the same language, keeping it polite and short.

"Bonjour,

Je m'appelle <<P1@fr>> et j'ai commandé deux chaises le <<DATE>> (commande <<ORDER>>). La livraison devait avoir lieu à mon adresse, <<ADDR:fr>>, mais le livreur a laissé un avis de passage alors que j'étais chez moi. Pouvez-vous me rappeler au <<PHONE:fr>> ? Je suis disponible le matin.

Merci d'avance,
<<P1@fr.first>>"
===
Summarise the following handover note for the night shift:

Ward 7 handover – <<DATE>> – from <<P1>> to <<P2>>
Bed 3: <<P3>>, post-op day 2, pain controlled, family (daughter <<P4.first>>, <<PHONE>>) visiting at 10.
Bed 5: <<P5>>, awaiting transfer to the cardiac centre in <<CITY>>, paperwork signed by Dr <<P6.last>>.
Bed 8: empty, cleaned.
Pharmacy called about the missing prescription for bed 3 – ring back on ext. <<NUM:NDDD>>.
===
## --------------------------------------------------------------- slot-free texts with fixed entities
Does [[PERSON:Bogdan]] need to be on the invite or is [[PERSON:Ifeoluwa]] enough?
===
Can you explain why [[PERSON:Anneliese]] thinks the budget is wrong? Her note just says "see tab 3".
===
thx [[PERSON:siobhan]] for covering!! owe u a coffee
===
Where is [[PERSON:Thabo]] this week, [[LOCATION:Johannesburg]] or [[LOCATION:Cape Town]]?
===
Write a birthday message for [[PERSON:Kwame]] from the whole team.
===
Can you write a notice that Dr. [[PERSON:Okafor]]'s clinic moved to [[STREET_ADDRESS:14 Harrow Lane, Kumasi]]? Patients keep going to the old one.
===
Please explain the difference between "affect" and "effect" — [[PERSON:Ruairí]] keeps correcting me.
===
Tell [[PERSON:Léa]] the build is green and she can merge now, thanks.
===
Meeting notes 12/3 — [[PERSON:Ngozi]], [[PERSON:Pavel]], [[PERSON:Sung-min]] present. Decision: ship on Thursday.
===
Write a limerick about Mr. [[PERSON:Papadimitriou]] and his parking habits. (Keep it kind.)
===
Re: [[PERSON:Aurelio Ferrante-Quispe]]'s expense claim — the taxi receipt from [[LOCATION:Lima]] is missing. Draft a nudge.
===
[[PERSON:Nguyễn Văn An]] và [[PERSON:Trần Thị Mai]] sẽ tham dự. Who is attending according to this sentence?
===
How should I address a letter to Prof. Dr. [[PERSON:Hans-Jürgen Wöhrle]]? Full title or just "Dear Professor"?
===
Did [[PERSON:Zheng Yuxin]] approve the change request? Her reply was "ok" but I'm not sure.
===
Write an apology to [[PERSON:Amara]] for missing her presentation.
===
[[PERSON:J. R. Okonkwo-Bassey]] will chair. Please add to the agenda header.
===
Draft a short note to Grandma [[PERSON:Eszter]] thanking her for the cake. (It's for my daughter to copy out.)
===
Can you compare [[LOCATION:Vilnius]] and [[LOCATION:Riga]] as places to open a small dev office?
===
Our supplier in [[LOCATION:Gujarat]] says shipments from [[LOCATION:Mundra]] are delayed by monsoon flooding. Draft a customer notice.
===
Summarise: "[[PERSON:Olamide]] will lead the [[LOCATION:Accra]] launch; [[PERSON:Esi]] covers [[LOCATION:Lomé]]."
===
Please reply to [[EMAIL_ADDRESS:k.ishikawa@fernhill.de]] saying we received the documents.
===
What timezone is [[PERSON:Dmitri]] in? He's in [[LOCATION:Novosibirsk]] this month.
===
One-liner for the intranet: Congratulations to [[PERSON:Marisol Echeverría Landa]] on passing her CPA exam!
===
Please make this sound friendlier: "[[PERSON:Tomasz]], the report is late again."
===
can u translate "[[PERSON:Ayşe]] hanım yarın gelmeyecek" to english
===
[[PERSON:Väinö]] says the sauna at the offsite is booked for 6. Write the calendar invite text.
===
Is it "[[PERSON:Jean-Luc]]'s" or "[[PERSON:Jean-Luc]]'" for the possessive?
===
## --------------------------------------------------------------- entity-free with slots (hard negatives)
Write a release note for <<PRODUCT>> <<VERSION>>: fixes the login loop, improves export speed, drops support for the legacy API.
===
Compare <<PRODUCT>> and <<PRODUCT>> for a 40-person team. Pros and cons in a table.
===
Our <<MONTH>> all-hands agenda: 1) Welcome, 2) Q3 Results, 3) Roadmap, 4) Open Q&A. Make it sound more exciting.
===
Draft a reminder that timesheets for <<MONTH>> are due by <<DATE>> at <<TIME>>.
===
The invoice <<ORDER>> for <<MONEY>> was paid twice. Write a note to finance asking for a credit memo.
===
What's the difference between <<COMPANY>>'s Standard and Premium support tiers? I'll paste the PDF next.
===
Write a product description for the Aurora Desk Lamp (model AL-<<NUM:NDD>>), warm white, USB-C, <<MONEY>>.
===
Summarise this changelog:
<<VERSION>> – fixed crash on startup
<<VERSION>> – added dark mode
<<VERSION>> – security patches
===
Plan a two-day offsite agenda for the Platform Team in <<MONTH>>: strategy, hackathon, dinner, retro.
===
Explain like I'm five: what is <<PRODUCT>> and why does our IT department want us to use it?
===
Room booking: Conference Room Kestrel, <<DATE>>, <<TIME>>–<<TIME>>, 12 people, projector needed. Write the request email.
===
Write a short policy paragraph: employees must not paste customer data into <<PRODUCT>>. Keep it friendly.
===
Turn this into a table: Widget A <<MONEY>>, Widget B <<MONEY>>, Widget C <<MONEY>>, shipping <<MONEY>>.
===
The <<COMPANY>> contract renews on <<DATE>>. List the questions procurement should ask before then.
===
How do I fix "error 0x8007<<NUM:DDDD>>" when updating to build <<VERSION>>?
===
Our shipment <<TRACK>> shows "in transit" since <<DATE>>. Draft a polite chase to the carrier.
===
Cite this book properly in APA: Designing Data Systems, 2nd edition, ISBN <<ISBN>>.
===
The site survey coordinates are <<COORD>>. Convert to decimal degrees and explain the format.
===
Reference <<REF16>> appears on our bank statement with no description. What might it be?
===
Is postcode <<ZIP>> a residential or business area? (Just asking how I'd find out.)
===
Draft the agenda for the <<MONTH>> Steering Committee: budget, hiring freeze, Project Bluebird status.
===
Rewrite the heading "QUARTERLY BUSINESS REVIEW – <<MONTH|upper>>" in title case and suggest a subtitle.
===
Give me 10 names for an internal hackathon team. Nothing with people's names please.
===
## --------------------------------------------------------------- slot-free hard negatives
Write a haiku about Monday mornings and cold coffee.
===
What's a good way to structure a quarterly OKR review? We have five teams and one hour.
===
Explain the difference between a Roth IRA and a traditional IRA in plain English.
===
Mark the items below as done and reformat as a checklist: backups, DNS change, certificate renewal, status page update.
===
Will this regex match dates like 2024-02-30? ^\d{4}-\d{2}-\d{2}$
===
Can you summarise the Agile Manifesto in four bullet points?
===
Grace period for late invoices is 14 days. Draft the clause for our Terms of Service.
===
Draft a message to the Sales Team: the Spring Promotion ends Friday, all quotes must be in the CRM by 5 pm.
===
Our Sprint Review is moving to Thursday. Write a two-line heads-up.
===
What are the pros and cons of a four-day work week for a customer support team?
===
Summarise the main points of GDPR Article 5 for a non-lawyer.
===
Please rewrite: "The Board Of Directors Has Approved The Annual Budget For The Coming Fiscal Year."
===
Write a SQL query that returns the top 5 products by revenue for each region from tables orders(id, product_id, region, amount) and products(id, name).
===
How many working days are there between 3 March and 28 April if Easter Monday is a holiday?
===
Convert 72°F to Celsius and explain the formula.
===
Generate a strong but memorable passphrase pattern I can teach non-technical staff. Don't give me an actual password.
===
Explain what a 502 Bad Gateway means and what to check first in Nginx.
===
ANNUAL REPORT 2025 — TABLE OF CONTENTS
1. Chair's Letter
2. Strategy
3. Operating Review
4. Sustainability
5. Financial Statements
Suggest a better order.
===
Make a packing list for a three-day conference: laptop, chargers, business cards, comfortable shoes.
===
Write a short Slack message announcing that the Cafeteria will be closed on Friday for maintenance.
===
Summer Hours start in June: the office closes at 3 pm on Fridays. Draft the announcement.
===
What does "Bill of Materials" mean in manufacturing, and how is it different from a parts list?
===
Explain Kubernetes liveness vs readiness probes with an example YAML.
===
Can you help me phrase feedback for a direct report who misses deadlines but does great work?
===
Write a Python function that validates an email address format without using regex.
===
Give me three icebreakers for a remote team of 12 people.
===
Re-order alphabetically: Marketing, Finance, Engineering, Legal, Design, Operations.
===
The Golden Ratio keeps coming up in our design review. What is it, and does it actually matter for UI?
===
Summarise the plot of a heist movie in 50 words for a team-building quiz. Make one up.
===
What is the difference between Gross Margin and Contribution Margin?
===
Rewrite as bullet points: The Helpdesk is open 8–6 on weekdays. Urgent issues go through the Incident Hotline. Password resets are self-service.
===
Version 3.12.1 broke our build with "ModuleNotFoundError: No module named 'distutils'". How do I fix it?
===
How should we name our Wi-Fi networks? Guest, Staff, IoT — anything better?
===
Our Christmas Party theme is "Winter Wonderland". Write the invite.
===
Is it better to say "Dear Hiring Manager" or "To Whom It May Concern"?
===
Explain compound interest with a worked example using 5% over 10 years.
===
Write a tongue-in-cheek memo from the Printer on the 3rd Floor asking people to stop printing 200-page PDFs.
===
SECTION 4 — LIABILITY. Explain this heading's usual contents in a service agreement.
===
What does the error "Permission denied (publickey)" mean when pushing to a Git remote?
===
Suggest names for our new meeting rooms — theme: birds. Something like Heron, Kestrel, Osprey.
===
Help me phrase a request to move my Performance Review from Tuesday to Wednesday.
===
Draft the FAQ entry: "How do I reset my MFA device?"
===
Can Excel highlight duplicate rows across two columns? Steps please.
===
Explain the trolley problem briefly, then give a business-ethics analogy.
===
Write a 100-word summary of why unit tests matter, for managers.
===
What's the best way to store 2,000 PDFs so the whole department can search them?
===
We're renaming the Data Guild to the Analytics Chapter. Write a short announcement.
===
Our Black Friday sale starts at 00:01 and ends Monday at midnight. Write the banner copy.
===
List common causes of a memory leak in a long-running Java service.
===
Proofread: "Their going to announce the merger on Wednesday, its going to be big."
===
Ramadan starts soon; suggest ways to make team lunches and late meetings more inclusive.
===
Please turn these into a weekly schedule: standup daily 9:30, planning Monday 10:00, demo Friday 15:00.
===
What are the main differences between ISO 27001 and SOC 2?
===
Hope you can help: my pivot table shows "(blank)" for half the rows. Why?
===
Create a rubric for grading internal hackathon projects: impact, originality, execution, demo.
===
Write a professional response to a customer who says our app is "slow and useless".
===
Explain the Monte Carlo method to a finance team using a budgeting example.
===
What is a Dead Letter Queue and when should we use one?
===
Rewrite our mission statement to be shorter: "We empower teams to build better software faster through automation, insight and collaboration."
===
Переведите, пожалуйста: "<<P1@ru_cyr>> прилетает в понедельник". Actually just tell me in English what it says and who is arriving.
===
Can you help me spell <<P1@el>>'s name in Latin letters for the conference badge?
