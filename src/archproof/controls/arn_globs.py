"""Whether an ARN pattern can match an ARN known only in part."""

from __future__ import annotations

from functools import cache


@cache
def could_match(pattern: str, template: str) -> bool:
    """Can ``pattern`` (``*`` any run of characters, ``?`` any one) match some ARN of
    ``template``, whose ``*`` are parts not known yet (each within one ``:``-separated field)?

    ``arn:aws:rds:*:*:db:*`` can match ``arn:aws:rds:*:*:db:orders``; ``…:ec2:*:*:volume/*``
    cannot, though a ``*`` of the template would swallow it if it could span fields.
    """

    @cache
    def meet(i: int, j: int) -> bool:
        if i == len(pattern) and j == len(template):
            return True
        a = pattern[i] if i < len(pattern) else ""
        b = template[j] if j < len(template) else ""
        if a == "*" and (meet(i + 1, j) or (b != "" and meet(i, j + 1))):
            return True
        if b == "*" and (meet(i, j + 1) or (a not in ("", ":") and meet(i + 1, j))):
            return True
        if a and b and "*" not in (a, b):
            return (a == b or a == "?") and meet(i + 1, j + 1)
        return False

    return meet(0, 0)
