"""The PII corpus generator's templates per split (``loadtests.make_pii_corpus`` says what each split
has seen). ``{kind}`` is a placeholder of ``loadtests.pii_corpus_values.FIELDS``; ``{kind:key}``
repeats one value in a template."""

from __future__ import annotations

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
