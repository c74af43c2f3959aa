"""The references an HCL expression makes, written the way plan JSON lists them.

``var.create ? concat(aws_security_group.this.*.id, [""])[0] : var.security_group_id``
references ``var.create``, ``aws_security_group.this`` and ``var.security_group_id``.
Terraform lists references in plan JSON; for expressions it leaves out (locals) the same
list is read here from the expression text, as python-hcl2 writes it.
"""

from __future__ import annotations

import re

# A traversal: a root name, then attribute steps (.name) and literal index steps ([0], ["a"]).
# Splats ([*], .*) and computed indexes end it; the resolver needs the resource part only.
_TRAVERSAL = re.compile(
    r"(?<![\w.\-\"'])"  # not the middle of another traversal or a quoted word
    r"(?P<root>[A-Za-z_][\w-]*)"
    r"(?P<steps>(?:\.[A-Za-z_][\w-]*|\[(?:\d+|\"(?:[^\"\\]|\\.)*\")\])+)"
)
_SPECIAL_ROOTS = {"var", "local", "module", "data", "each", "count", "path", "terraform", "self"}
_RESOURCE_TYPE = re.compile(r"^[a-z][a-z0-9]*_[a-z0-9_]+$")


def references_in(expression: str) -> list[str]:
    """Distinct traversals that name a variable, local, module, data source or resource."""
    found: dict[str, None] = {}
    for match in _TRAVERSAL.finditer(expression):
        root = match.group("root")
        if root not in _SPECIAL_ROOTS and not _RESOURCE_TYPE.match(root):
            continue  # a for-expression's own variable, a function's argument name …
        text = root + match.group("steps")
        if text.startswith("data.") and text.count(".") < 2:
            continue
        found[text] = None
    return list(found)
