"""The echo provider's one instruction: plant a test card number in its answer (control assurance).

Echo answers with what it received, so every value in its answer was in the prompt first, and
the prompt-side scan is what removes it. To prove the answer-side scan on its own, an answer
must carry a value the prompt never held. A prompt that starts with ``PLANT_PREFIX`` and a hex
nonce is answered with a card number derived from the nonce: the prompt holds only the nonce
(no detector reports a hex string), the answer holds a number in Visa's public test range
(Luhn-valid, never an issued card), and the caller that chose the nonce knows which number to
look for. Only ``EchoProvider`` reads the instruction: a real provider would see a hex nonce
and some words, and the assurance probe sends it to echo models only. Any caller of an echo
model may use it; all it can get is a test card number in an answer the gateway screens.
"""

from __future__ import annotations

import hashlib
import re

PLANT_PREFIX = "aigw-echo-plant"
TEST_CARD_PREFIX = "411111"  # Visa's public test range: Luhn-valid numbers here are never issued cards
_INSTRUCTION = re.compile(rf"\A{PLANT_PREFIX} ([0-9a-f]{{8,64}})\b")


def planted_card(nonce: str) -> str:
    """The test card number (in groups of four) the echo plants for ``nonce``."""
    digest = hashlib.sha256(f"{PLANT_PREFIX}:{nonce}".encode()).hexdigest()
    body = TEST_CARD_PREFIX + "".join(str(int(c, 16) % 10) for c in digest[:9])
    number = body + _check_digit(body)
    return " ".join(number[i : i + 4] for i in range(0, 16, 4))


def plant_instruction(nonce: str) -> str:
    return f"{PLANT_PREFIX} {nonce}"


def planted_answer(text: str) -> str | None:
    """The answer for a prompt that starts with the instruction; None for any other prompt."""
    found = _INSTRUCTION.match(text)
    if found is None:
        return None
    return f"The card on file is {planted_card(found.group(1))} and it expires next year."


def _check_digit(body: str) -> str:
    total = 0
    for i, c in enumerate(reversed(body)):  # the check digit goes after: the body's last digit is doubled
        d = int(c)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)
