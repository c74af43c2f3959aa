"""A stand-in ``az`` executable that answers ``az account get-access-token`` like the CLI.

The real credential chain (``DefaultAzureCredential`` limited to ``AzureCliCredential``
by ``AZURE_TOKEN_CREDENTIALS``) runs it, so a client authenticates the way it would
against Azure without any request leaving the machine.
"""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

SCRIPT = """#!/bin/sh
# archproof ARM emulator: answers `az account get-access-token` only.
if [ "$1" = "account" ] && [ "$2" = "get-access-token" ]; then
  cat <<'JSON'
{token}
JSON
  exit 0
fi
echo "ERROR: this az only answers 'account get-access-token'" >&2
exit 2
"""


def write_fake_az(directory: Path, token: str, subscription: str, tenant: str) -> Path:
    """Write ``az`` into ``directory`` (made executable); the token lasts a day."""
    directory.mkdir(parents=True, exist_ok=True)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    answer = {
        "accessToken": token,
        "expiresOn": expires.astimezone().strftime("%Y-%m-%d %H:%M:%S.%f"),
        "expires_on": int(expires.timestamp()),
        "subscription": subscription,
        "tenant": tenant,
        "tokenType": "Bearer",
    }
    path = directory / "az"
    path.write_text(SCRIPT.replace("{token}", json.dumps(answer, indent=2)))
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path
