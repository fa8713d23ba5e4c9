## formats_holdout templates: written separately from formats_dev.tpl; no wording is shared.
Mob. <<PHONE>>
===
Telephone <<PHONE>>
===
fax no.: <<PHONE>>
===
my cell is <<PHONE>>
===
Direct line <<PHONEX>>
===
Switchboard <<PHONE>>, then ask for extension <<NUM:NDD>>.
===
Text <<PHONE>> to confirm your slot.
===
If nobody answers, try <<PHONE>> or <<PHONE>>.
===
<<P1|upper>> · <<PHONE>> · <<P1.email>>
===
Kontakt: <<P1>>, Tel. <<PHONE>>
===
Ph: <<PHONEX>>
===
The number that called me was <<PHONE>> — spam or legit?
===
Call the hotline on <<PHONE:us>> to reset your badge.
===
Got a missed call from <<PHONE:us>>, no voicemail. Area code looks odd.
===
Add <<P1.first>> to the rota: <<PHONE>>, available weekends.
===
Our <<COUNTRY>> partner can be reached at <<PHONE>>.
===
Landline <<PHONE>>; mobile <<PHONE>>; preferred: mobile.
===
| Name | Phone | Team |
|---|---|---|
| <<P1>> | <<PHONE>> | Sales |
| <<P2>> | <<PHONEX>> | Legal |
===
Dial-in <<PHONE>> (passcode <<NUM:NDDDDDDD>>)
===
Please update my phone number to <<PHONE>> — the old <<PHONE>> is no longer mine.
===
Key holders: <<P1.first>> <<PHONE>>, <<P2.first>> <<PHONE>>, <<P3.first>> <<PHONE>>
===
Kreditkarte: <<CARD>>
===
Visa/MC/Amex accepted. Pay with <<CARD>>?
===
I typed <<CARD>> into the checkout and it says invalid.
===
card no <<CARD>> exp 1<<NUM:D>>/2<<NUM:N>> — please don't store the CVV
===
Refund to the original card (<<CARD>>) within 5 working days.
===
Chargeback on <<CARD>>, merchant ref <<ORDER>>, disputed amount <<MONEY>>.
===
{"customer": "<<P1>>", "pan": "<<CARD>>", "amount": "<<MONEY>>"}
===
Fraud team: block <<CARD>> and <<CARD>> immediately.
===
Travel card for <<P1>>: <<CARD>>
===
Can I split the bill between <<CARD>> and a bank transfer?
===
Postal address: <<ADDR>>
===
Deliver to <<P1>>, <<ADDRC>>.
===
Please update my address to
<<ADDRML>>
===
Correspondence address
<<P1>>
<<ADDRMLC>>
===
HQ: <<ADDR>> | Phone <<PHONE>>
===
The inspection is at <<ADDR>>, gate code <<NUM:NDDD>>.
===
Send samples to <<COMPANY>>, attn. <<P1>>, <<ADDR>>.
===
Old address: <<ADDR>>
New address: <<ADDR>>
===
Mailing address for cheques: <<ADDRML:us>>
===
Pick-up point: <<ADDR>>, open until <<TIME>>.
===
Beneficiary account: <<IBAN>>
===
Kontoinhaber <<P1>>, IBAN <<IBAN>>
===
Transfer <<MONEY>> from <<IBAN>> to <<IBAN>>, reference <<ORDER>>.
===
Release <<VERSION>> is live; rollback target is <<VERSION>>.
===
Please reissue invoice <<ORDER>> dated <<DATE>> for <<MONEY>>.
===
Parcel <<TRACK>> was delivered at <<TIME>> on <<DATE>>.
===
The book's ISBN is <<ISBN>>; the library copy is due <<DATE>>.
===
GPS: <<COORD>>
===
Is <<ZIP>> a valid postcode format?
===
Your transaction ID is <<REF16>>.
===
Quarterly revenue was <<MONEY>>, up from <<MONEY>>; headcount <<NUM:NDD>>.
===
Ticket INC<<NUM:NDDDDDD>> opened at <<TIME>>, severity <<NUM:N>>.
===
Meter reading <<NUM:NDDDDD>> kWh on <<DATE>>.
===
Licence key prefix <<NUM:LLLL-NDDD>>, seats: <<NUM:NDD>>.
===
Latitude/longitude <<COORD>>; elevation <<NUM:NDD>> m.
===
Timestamp <<NUM:17NDDDDDDD>> (epoch seconds) appears in the log; convert it for me.
===
Employee <<P1>> — SSN <<SSN>> — hired <<DATE>>
===
Tax form: social security no. <<SSN>>, mailing address <<ADDR:us>>, phone <<PHONE:us>>
===
Supplier onboarding
Company: <<COMPANY>>
Main contact: <<P1>> (<<P1.email>>)
Tel: <<PHONE>>
Registered address:
<<ADDRML>>
Bank: <<IBAN>>
===
Dear <<P1.first>>, your order <<ORDER>> will be delivered to <<ADDR>>. Questions? Call <<PHONEX>>. Paid with <<CARD>>.
===
Contact sheet: <<P1>> / <<PHONE>> / <<ADDR>>; <<P2>> / <<PHONE>> / <<ADDR>>
===
Holdings: <<NUM:N,DDD>> shares at <<MONEY>>; ISIN <<NUM:LLDDDDDDDDDD>>.
===
Doors open at <<TIME>>, tickets <<MONEY>>, row <<NUM:ND>> seat <<NUM:ND>>.
===
Product code <<NUM:DDDDDDDDDDDDD>> (EAN), batch <<NUM:LNDDDD>>, best before <<DATE>>.
===
Card vs account: <<CARD>> is the card, <<IBAN>> the account.
