"""Where a text of a request came from: the role that wrote it and the kind of part it is.

An instruction in the caller's own turn is a request; the same sentence inside a tool result,
a document or a file is data the model was given to read, and an instruction there is an
indirect injection (issue 16). The request walk (gateway.wire.request_slots) gives every slot
its ``PartSource``; screening retypes injection findings by it and the data rules can match it.
Sources are metadata (a role and a kind), never text: they may be logged and stored.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    """Who wrote the text: a message's role, or ``none`` for fields outside the conversation."""

    SYSTEM = "system"
    DEVELOPER = "developer"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"
    FUNCTION = "function"  # OpenAI's legacy role for a function's result
    NONE = "none"  # tool definitions, metadata, sampling options: no turn of the conversation
    OTHER = "other"  # a role the gateway does not know (kept apart, never guessed)


class PartKind(enum.StrEnum):
    """What kind of part holds the text; the values a data rule's ``match.sources`` may name."""

    TEXT = "text"  # a turn's own text (system prompt, user message, assistant reply)
    TOOL_RESULT = "tool_result"  # a tool's or function's output handed back to the model
    TOOL_CALL_ARGUMENTS = "tool_call_arguments"  # a call the assistant made (name, arguments)
    DOCUMENT = "document"  # a document or retrieved search result given to the model
    FILE = "file"  # a file part (base64 text files are decoded and screened)
    IMAGE = "image"  # text read inside an image payload (or a URL where one was expected)
    AUDIO = "audio"  # text read inside an audio payload
    TOOL_DEFINITION = "tool_definition"  # tools[] / functions[]: names, descriptions, schemas
    METADATA = "metadata"  # caller metadata and end-user ids
    OTHER = "other"  # anything else the provider reads (stop sequences, response formats...)


# Data the model reads rather than the caller's instruction: an injection finding there is indirect.
# Tool definitions count: an MCP server's tool description is third-party text the model obeys
# ("tool poisoning"). A call the assistant made is not: it is the model's own output, replayed.
INDIRECT_KINDS = frozenset(
    {
        PartKind.TOOL_RESULT,
        PartKind.DOCUMENT,
        PartKind.FILE,
        PartKind.IMAGE,
        PartKind.AUDIO,
        PartKind.TOOL_DEFINITION,
    }
)


@dataclass(frozen=True, slots=True)
class PartSource:
    role: Role
    kind: PartKind

    @property
    def label(self) -> str:
        """For records and the CLI: "tool/tool_result", "user/text"."""
        return f"{self.role.value}/{self.kind.value}"

    @property
    def indirect(self) -> bool:
        return self.kind in INDIRECT_KINDS


_INTERNED: dict[tuple[Role, PartKind], PartSource] = {}


def source(role: Role, kind: PartKind) -> PartSource:
    """The one shared instance of (role, kind): the walk hands the same few values to every slot."""
    found = _INTERNED.get((role, kind))
    if found is None:
        found = _INTERNED[(role, kind)] = PartSource(role, kind)
    return found


UNKNOWN = source(Role.NONE, PartKind.OTHER)
USER_TEXT = source(Role.USER, PartKind.TEXT)
SYSTEM_TEXT = source(Role.SYSTEM, PartKind.TEXT)
ANSWER = source(Role.ASSISTANT, PartKind.TEXT)  # an answer's text: the only source an answer has
TOOL_RESULT = source(Role.TOOL, PartKind.TOOL_RESULT)
TOOL_CALL = source(Role.ASSISTANT, PartKind.TOOL_CALL_ARGUMENTS)
TOOL_DEFINITION = source(Role.NONE, PartKind.TOOL_DEFINITION)
METADATA = source(Role.NONE, PartKind.METADATA)

# The role a scanned text is given by default when only its kind is named (``aigw scan --part``).
DEFAULT_ROLE = {
    PartKind.TEXT: Role.USER,
    PartKind.TOOL_RESULT: Role.TOOL,
    PartKind.TOOL_CALL_ARGUMENTS: Role.ASSISTANT,
    PartKind.DOCUMENT: Role.USER,
    PartKind.FILE: Role.USER,
    PartKind.IMAGE: Role.USER,
    PartKind.AUDIO: Role.USER,
    PartKind.TOOL_DEFINITION: Role.NONE,
    PartKind.METADATA: Role.NONE,
    PartKind.OTHER: Role.NONE,
}
