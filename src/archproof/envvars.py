"""Set environment variables for a block and put every one back afterwards."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping


@contextlib.contextmanager
def scoped_environment(values: Mapping[str, str], unset: Iterable[str] = ()) -> Iterator[None]:
    """``values`` set and ``unset`` removed inside the block; all restored on the way out."""
    removed = tuple(unset)
    saved = {k: os.environ.get(k) for k in [*values, *removed]}
    for key in removed:
        os.environ.pop(key, None)
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
