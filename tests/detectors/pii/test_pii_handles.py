"""pii_handles: @-mentions spelled as names are PERSON; decorators, scopes and other handles are not."""

from __future__ import annotations

import pytest

from detectors.pii.handles import HandleRecognizer, handle_is_a_name


@pytest.mark.parametrize(
    "handle",
    ["DavidCunliffeMP", "WendyWings", "katy_weaver", "Luke5SOS", "jenniferlopez", "JohnGilroy", "SmithJohn"],
)
def test_handles_that_spell_names(handle: str) -> None:
    assert handle_is_a_name(handle)


@pytest.mark.parametrize(
    "handle",
    [
        *("IrishTimes", "nytimes", "SpaceX", "parliament", "dataclass", "Override", "staticmethod", "Maria"),
        *("edsheeran", "JohnGilroyTeam", "travis-ci", "ray-team", "MaxRows", "GrantId", "BenAndJerrys"),
        "JackDaniels_US",
    ],
)
def test_handles_that_do_not(handle: str) -> None:
    # "Maria": a single part is too little; "edsheeran": a two-letter given name is too short to split off
    assert not handle_is_a_name(handle)


def found(text: str) -> list[str]:
    return [text[r.start : r.end] for r in HandleRecognizer().analyze(text, ["PERSON"])]


def test_mentions_in_text_but_not_code_or_addresses() -> None:
    assert found("thanks @DavidCunliffeMP and @jenniferlopez!") == ["@DavidCunliffeMP", "@jenniferlopez"]
    assert found("mail d.cunliffe@DavidCunliffeMP.com") == []  # part of an address
    assert found("@JohnGilroyTeam.route('/x')\n@MaryKay(x)\nnpm i @JohnGilroy/pkg") == []  # decorators, scopes
    assert found("no mention here") == []
    assert found("cc @maria.lopez and @james-okafor, not @here.") == ["@maria.lopez", "@james-okafor"]
    assert found("@pytest.mark.parametrize\n@app.route('/')\n@dataclass") == []
    assert found("    @max_retries.setter\n    def f(self): ...") == []  # a decorator alone on its line
    assert found("x = 1  # see @max_retries.setter") == []  # a decorator's attribute
    assert found("@maria.lopez can you review?") == ["@maria.lopez"]  # a mention opening a message
    assert found("DECLARE @MaxDate DATE; SET @BillAmount = 0; WHERE id = @MarkSmith)") == []  # SQL variables
    assert found("thanks @DavidCunliffeMP, and cc @maria.lopez.") == ["@DavidCunliffeMP", "@maria.lopez"]
