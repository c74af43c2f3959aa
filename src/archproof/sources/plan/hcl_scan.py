"""Finding top-level blocks in HCL text without parsing it: braces matched past strings
(with interpolations), heredocs and comments."""

from __future__ import annotations

import re


def locals_blocks(text: str) -> list[str]:
    """The top-level ``locals { … }`` blocks of a .tf file, as written."""
    return top_level_blocks(text, _LOCALS)


def resource_block(text: str, kind: str, name: str) -> str | None:
    """The ``resource "<kind>" "<name>" { … }`` block of a .tf file, as written."""
    header = re.compile(rf'resource[ \t]+"{re.escape(kind)}"[ \t]+"{re.escape(name)}"[ \t]*$')
    found = top_level_blocks(text, header)
    return found[0] if found else None


_LOCALS = re.compile(r"locals[ \t]*$")


def top_level_blocks(text: str, header: re.Pattern[str]) -> list[str]:
    """Top-level blocks whose header (the text of the line before ``{``) matches ``header``.

    Only such blocks are handed to the HCL parser: parsing whole module files costs seconds.
    Strings (with interpolations), heredocs and comments are skipped while braces are
    matched.
    """
    blocks: list[str] = []
    depth, position, start = 0, 0, -1
    length = len(text)
    while position < length:
        char = text[position]
        if char == "#" or text.startswith("//", position):
            position = _line_end(text, position)
            continue
        if text.startswith("/*", position):
            end = text.find("*/", position + 2)
            position = length if end < 0 else end + 2
            continue
        if char == '"':
            position = _string_end(text, position + 1)
            continue
        if text.startswith("<<", position):
            position = _heredoc_end(text, position)
            continue
        if char == "{":
            if depth == 0:
                line_start = text.rfind("\n", 0, position) + 1
                if header.fullmatch(text[line_start:position].strip()):
                    start = line_start
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
            if depth == 0 and start >= 0:
                blocks.append(text[start : position + 1])
                start = -1
        position += 1
    return blocks


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def _string_end(text: str, position: int) -> int:
    """Past the closing quote of a string that starts at ``position``; ``${…}`` may nest."""
    depth = 0
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if text.startswith("${", position) or text.startswith("%{", position):
            depth += 1
            position += 2
            continue
        if char == "}" and depth:
            depth -= 1
        elif char == '"' and not depth:
            return position + 1
        elif char == '"' and depth:
            position = _string_end(text, position + 1)
            continue
        elif char == "\n" and not depth:
            return position  # an unterminated string: stop at the line's end
        position += 1
    return position


_HEREDOC = re.compile(r"<<-?([A-Za-z_][\w-]*)[ \t]*\n")


def _heredoc_end(text: str, position: int) -> int:
    match = _HEREDOC.match(text, position)
    if match is None:
        return position + 2
    closing = re.compile(rf"^[ \t]*{re.escape(match.group(1))}[ \t]*$", re.MULTILINE)
    end = closing.search(text, match.end())
    return len(text) if end is None else end.end()
