"""What documents are built from: a scored evaluation, and the error when it cannot be used."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import UnusableInput
from ..core.model import Evaluation, Framework, Scorecard


class ReportError(UnusableInput):
    """The report cannot be built (e.g. the evaluation has errors); ``message`` is Chinese."""


@dataclass(frozen=True)
class Source:
    """What a report is built from."""

    scorecard: Scorecard
    framework: Framework
    evaluation: Evaluation
    evaluation_sha256: str = ""
