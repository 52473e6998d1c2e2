"""What a stage did, in numbers the UI and the CLI show."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class StageReport:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    deleted: int = 0
    rejected: int = 0
    extra: dict[str, int | float | str] = field(default_factory=dict)

    @property
    def processed(self) -> int:
        return self.new + self.changed

    def as_metadata(self) -> dict[str, int | float | str]:
        return {"new": self.new, "changed": self.changed, "unchanged": self.unchanged,
                "deleted": self.deleted, "rejected": self.rejected, **self.extra}
