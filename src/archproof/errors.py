"""Error hierarchy. Every error carries a human message and maps to a CLI exit code."""

from __future__ import annotations

EXIT_COMPLIANT = 0
EXIT_NOT_COMPLIANT = 1
EXIT_BAD_INPUT = 2
EXIT_EVIDENCE_MISSING = 3


class ArchproofError(Exception):
    """Base class; ``exit_code`` tells the CLI how to end."""

    exit_code = EXIT_BAD_INPUT


class UsageError(ArchproofError):
    """A command line that cannot be run as given."""


class SpecError(ArchproofError):
    """A spec that cannot be loaded: names the file, line and field."""

    def __init__(self, path: str, message: str, line: int | None = None, field: str = "") -> None:
        where = f"{path}:{line}" if line else path
        at = f" [{field}]" if field else ""
        super().__init__(f"{where}{at}: {message}")
        self.path, self.line, self.field = path, line, field


class PlanError(ArchproofError):
    """A Terraform plan file that is not a readable plan."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


class SourceError(ArchproofError):
    """Evidence could not be gathered from a live source (names service, region and call)."""

    exit_code = EXIT_EVIDENCE_MISSING

    def __init__(self, service: str, region: str, call: str, message: str) -> None:
        super().__init__(f"{service} {call} in {region}: {message}")
        self.service, self.region, self.call = service, region, call


class ChaosSafetyError(ArchproofError):
    """A mutating action was asked for without the explicit opt-in."""
