"""The shared shape of care inputs: closed, strict, frozen models and the free-text types.

Their validation problems become InvalidInput through `regenspine.input_problems`; models raise
its `FieldProblem` for rules that span fields (an end time before its start time).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

# Free text that must say something: surrounding spaces are dropped, an empty text is refused.
# The lengths match the registry's columns, so a long value is refused here, not by the database.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
LotText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class CareInput(BaseModel):
    """Base of the care inputs: unknown keys are errors, values are fixed once read.

    Strict, so that "yes" or "20" are refused rather than guessed; dates and times still come as
    ISO text from JSON, so those fields relax it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
