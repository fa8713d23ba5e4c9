## formats_dev templates. Phone/card/address slots without an argument cycle through all countries/schemes.
Mobile: <<PHONE>>
===
Tel. <<PHONE>>
===
Fax: <<PHONE>>
===
cell <<PHONE>> (text first, I rarely pick up)
===
Office: <<PHONEX>>
===
Desk: <<PHONEX>> · Mobile: <<PHONE>>
===
You can reach me on <<PHONE>> any time after 9.
===
Please call the front desk at <<PHONE>> if the door code doesn't work.
===
<<P1>>
Account Manager
T <<PHONE>> | M <<PHONE>> | <<P1.email>>
===
Contact: <<P1>>, <<PHONE>>
===
Emergency contact – <<P1.first>> (spouse) <<PHONE>>
===
call me back on <<PHONE>> pls, battery dying
===
Our US support line is <<PHONE:us>>, open 8am–8pm ET.
===
Customer left a voicemail from <<PHONE:us>> about the order <<ORDER>> placed on <<DATE>>.
===
New number for the <<CITY>> branch: <<PHONE>> (the old one was disconnected in <<MONTH>>).
===
Phone (home): <<PHONE>>
Phone (work): <<PHONEX>>
===
name,phone,extension
<<P1>>,<<PHONE>>,<<NUM:NDD>>
<<P2>>,<<PHONE>>,
===
Is <<PHONE>> a mobile or a landline? Just from the format.
===
Ring <<PHONE>> between <<TIME>> and <<TIME>>, ask for <<P1.first>>.
===
WhatsApp only: <<PHONE>>
===
Reservations: <<PHONE>> — deposit of <<MONEY>> required, reference <<ORDER>>.
===
Card number: <<CARD>>
===
Please charge <<CARD>> for the renewal (exp 0<<NUM:N>>/2<<NUM:N>>).
===
The card I used was <<CARD>>, can you check why it was declined?
===
payment failed for <<CARD>> again?? the amount was <<MONEY>>
===
Replace the card on file for <<P1>> with <<CARD>>.
===
<<CARD>> — is this a valid card number? I think a digit is wrong.
===
Which scheme is <<CARD>>? Amex, Visa, something else?
===
Corporate card: <<CARD>>   Cardholder: <<P1|upper>>
===
Log line: 2025-11-0<<NUM:N>> <<TIME>> payment_attempt card=<<CARD>> amount=<<MONEY>> status=declined
===
We reimbursed the hotel (<<MONEY>>) to card <<CARD>>; the booking ref is <<ORDER>>.
===
Address: <<ADDR>>
===
Ship to:
<<P1>>
<<ADDRML>>
===
Please send the contract to our office at <<ADDR>>.
===
Billing address
<<ADDRMLC>>
===
Our new office: <<ADDRC>>. Visitors report to reception on the ground floor.
===
Invoice to: <<COMPANY>>, <<ADDR>> — VAT no. <<NUM:DDDDDDDDD>>
===
Can you check this address is in the right order for the post? <<ADDR>>
===
<<P1>>
<<ADDRML:us>>
===
Return label
FROM: <<ADDR:us|upper>>
TO: <<ADDR:uk|upper>>
===
The parcel <<TRACK>> went to <<ADDR>> instead of our warehouse.
===
Registered office: <<ADDR>>. Company number <<NUM:DDDDDDDD>>.
===
IBAN: <<IBAN>>
BIC: <<PICK:DEUTDEFFXXX;COBADEFF;BNPAFRPP;INGBNL2A;RABONL2U>>
===
Please pay <<MONEY>> to <<IBAN>> (beneficiary <<P1>>) by <<DATE>>.
===
Bank details changed — new IBAN <<IBAN>>. Old one is closed.
===
Version <<VERSION>> released on <<DATE>>; the next one is planned for <<MONTH>>.
===
The build number <<VERSION>> fails on the CI runner, log attached (job <<NUM:NDDDDDDD>>).
===
Order <<ORDER>> total <<MONEY>>, placed <<DATE>> at <<TIME>>.
===
Tracking number: <<TRACK>> (estimated delivery <<DATE>>)
===
ISBN <<ISBN>>, paperback, <<MONEY>>
===
Meet at <<COORD>> at <<TIME>>.
===
Postcode <<ZIP>> is outside our delivery zone.
===
Statement line: <<DATE>> <<REF16>> <<MONEY>> CR
===
Reference number <<REF16>> — please quote it in all correspondence.
===
Between <<DATE>> and <<DATE>> we processed <<NUM:N,DDD>> orders worth <<MONEY>>.
===
Server <<NUM:1D.DD.DDD.DD>> rebooted at <<TIME>>; uptime before that was <<NUM:NDD>> days.
===
Part no. <<NUM:NDDD-DDDD-DD>>, serial <<NUM:LLNDDDDDDDD>>, warranty until <<DATE>>.
===
Employee ID <<NUM:NDDDDDD>>, cost centre <<NUM:DDDD>>, grade <<NUM:N>>.
===
Patient <<P1>>, SSN <<SSN>>, phone <<PHONE:us>>, address <<ADDR:us>>
===
W-9 form: Name <<P1>>; TIN/SSN <<SSN>>; Address <<ADDR:us>>
===
<<P1>> | <<P1.email>> | <<PHONE>> | <<ADDR>>
===
Vendor record
Name: <<COMPANY>>
Contact: <<P1>>
Phone: <<PHONEX>>
Address: <<ADDRMLC>>
IBAN: <<IBAN>>
Payment terms: 30 days, invoice <<ORDER>>
===
Hi <<P1.first>>, the courier will call <<PHONE>> before delivering to <<ADDR>> on <<DATE>>. The order total was <<MONEY>> on card <<CARD>>.
===
Between 2019 and 2024 the price rose from <<MONEY>> to <<MONEY>>, see page <<NUM:NDD>> of the annual report.
===
The meeting room phone is extension <<NUM:NDDD>>; dial 9 for an outside line.
===
Conference bridge: <<PHONE>>, PIN <<NUM:NDDDDD>>#
===
Flight LH<<NUM:NDD>> departs <<TIME>> from gate B<<NUM:ND>>, seat <<NUM:ND>>C, booking code <<NUM:LLLLLL>>.
===
Receipt: terminal <<NUM:NDDDDDDD>>, auth code <<NUM:NDDDDD>>, card ****<<NUM:DDDD>>, total <<MONEY>>.
===
Branch phone list
<<CITY>>: <<PHONE>>
<<CITY>>: <<PHONE>>
<<CITY>>: <<PHONE>>
<<CITY>>: <<PHONE>>
===
Cards on file: <<CARD>>, <<CARD>> and <<CARD>>. Remove the expired one.
===
Fax <<PHONE>> / Tel <<PHONE>>
===
Which of these is the card and which is the reference? <<CARD>> vs <<REF16>>
