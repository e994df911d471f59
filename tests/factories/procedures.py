"""Sample procedure records for the care tests: valid documents, changed one field at a time."""

from __future__ import annotations

import copy
from typing import Any

_DELETE = object()

BONE_MARROW_PROCEDURE: dict[str, Any] = {
    "performed_on": "2026-03-02",
    "harvest": {
        "source": "bone_marrow",
        "site": "posterior iliac crest",
        "volume_ml": 60,
        "anaesthetic": "lidocaine 1%",
    },
    "processing": {
        "method": "centrifugation",
        "device": "point-of-care concentrator",
        "started_at": "2026-03-02T09:00:00",
        "ended_at": "2026-03-02T09:45:00",
        "total_nucleated_cells_per_ml": 121_000_000,
        "cfu_f_per_ml": 2713,
        "cd34_per_ml": 2_500_000,
        "viability_percent": 92.5,
    },
    "injection": {
        "region": "lumbar",
        "levels": ["L4-L5"],
        "targets": ["epidural"],
        "image_guidance": "fluoroscopy",
        "volume_ml": 3,
        "cell_dose": 363_000_000,
        "operator": "Dr Example",
    },
}

ALLOGENEIC_PROCEDURE: dict[str, Any] = {
    "performed_on": "2026-03-02",
    "harvest": {
        "source": "allogeneic",
        "product_name": "donor cell product",
        "lot_number": "LOT-2026-0142",
        "donor_screening_documented": True,
    },
    "injection": {
        "region": "lumbar",
        "levels": ["L5-S1"],
        "targets": ["intradiscal"],
        "image_guidance": "ct",
        "operator": "Dr Example",
    },
}


def changed(document: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of `document` with dotted keys (`injection__levels`) replaced or deleted.

    A double underscore stands for the dot; the value `DELETE` removes the key.
    """
    data = copy.deepcopy(document)
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        holder = data
        for key in parents:
            holder = holder[key]
        if value is _DELETE:
            del holder[last]
        else:
            holder[last] = value
    return data


DELETE = _DELETE
