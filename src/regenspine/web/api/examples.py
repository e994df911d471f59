"""Example request bodies shown in the API documentation (the README's procedure record)."""

from __future__ import annotations

from typing import Any

PROCEDURE_EXAMPLE: dict[str, Any] = {
    "patient": "RS-7F3K9Q2M",
    "performed_on": "2026-10-01",
    "harvest": {"source": "bone_marrow", "site": "posterior iliac crest", "volume_ml": 60},
    "processing": {
        "method": "centrifugation",
        "started_at": "2026-10-01T09:00:00",
        "ended_at": "2026-10-01T09:45:00",
        "cfu_f_per_ml": 2500,
        "cd34_per_ml": 2500000,
    },
    "injection": {
        "region": "lumbar",
        "levels": ["L4-L5"],
        "targets": ["epidural"],
        "image_guidance": "fluoroscopy",
        "operator": "Dr Chen",
    },
    "medications": [
        {
            "drug": "ibuprofen",
            "is_nsaid": True,
            "started_on": "2026-09-20",
            "stopped_on": "2026-09-25",
        }
    ],
}

ADVERSE_EVENT_EXAMPLE: dict[str, Any] = {
    "patient": "RS-7F3K9Q2M",
    "description": "Pain and bruising at the harvest site",
    "category": "pain",
    "site": "harvest",
    "grade": 1,
    "serious_criteria": [],
    "relatedness": "definite",
    "onset_on": "2026-10-02",
    "resolved_on": "2026-10-09",
    "outcome": "recovered",
}
