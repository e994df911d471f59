"""The web tests' form answers, readers of rendered pages, and a browser page per viewport."""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.factories.profiles import SURE_IDS, VALUE_IDS

from regenspine.knowledge import load_knowledge

# Set REGENSPINE_SCREENSHOTS=/tmp/shots to keep a full-page screenshot of every page visited.
SCREENSHOT_DIR = os.environ.get("REGENSPINE_SCREENSHOTS")

# The candidate profile of tests/factories/profiles.py, as the screening form sends it.
CANDIDATE_FORM: dict[str, Any] = {
    "age": "66",
    "region": "lumbar",
    "severity": "moderate",
    "symptom_weeks": "52",
    "symptoms": ["neurogenic_claudication", "leg_pain"],
    "imaging.disc_bulge": "yes",
    "imaging.ligamentum_flavum_hypertrophy": "yes",
    "imaging.bony_compression_percent": "20",
    "conservative_care_weeks": "16",
    "general_health": "good",
}


def candidate_form(**changes: Any) -> dict[str, Any]:
    """The candidate's screening form, with fields changed, added or (None) removed."""
    form = dict(CANDIDATE_FORM)
    for name, value in changes.items():
        key = name.replace("__", ".")
        if value is None:
            form.pop(key, None)
        else:
            form[key] = value
    return form


def values_form(rating: str = "3", sure: str = "yes", leaning: str = "conservative_care") -> dict:
    """A values form with every item rated alike, every SURE question answered alike."""
    form: dict[str, str] = {f"ratings.{item}": rating for item in VALUE_IDS}
    form.update({f"sure.{item}": sure for item in SURE_IDS})
    form["leaning"] = leaning
    return form


def texts(page: str, css_class: str) -> list[str]:
    """The text of every element with this class, tags removed and entities decoded."""
    pattern = rf'<(\w+)[^>]*class="{css_class}"[^>]*>(.*?)</\1>'
    return [plain(item) for _, item in re.findall(pattern, page, re.S)]


def plain(fragment: str) -> str:
    """HTML reduced to its text, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def hidden_value(page: str, name: str) -> str:
    """The value of a hidden input, decoded."""
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert match is not None, f"no hidden field {name}"
    return html.unescape(match.group(1))


@dataclass
class Tab:
    """One browser page for a viewport, recording what it requests and what the console says."""

    name: str
    page: Any
    base_url: str
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def open(self, path: str) -> Any:
        """Go to a path of the app, forgetting what earlier pages requested."""
        self.requests.clear()
        self.console.clear()
        response = self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("load")
        return response

    def screenshot(self, label: str) -> None:
        """Keep a full-page screenshot when REGENSPINE_SCREENSHOTS names a folder."""
        if SCREENSHOT_DIR:
            Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
            path = Path(SCREENSHOT_DIR) / f"{label}-{self.name}.png"
            self.page.screenshot(path=str(path), full_page=True)


# Every public page by name, as the browser and reading-grade tests open them.
GROUPS = list(dict.fromkeys(topic.group for topic in load_knowledge().topics))
PUBLIC_PAGES: dict[str, str] = {
    "home": "/",
    "learn": "/learn",
    **{f"learn-{group}": f"/learn/{group}" for group in GROUPS},
    "about": "/about",
    "check": "/check",
    "screening-form": "/screening?checked=yes",
    "urgent": "/screening?checked=yes&red_flags=saddle_anesthesia",
    "options": "/options",
    "options-cervical": "/options?region=cervical",
    "costs": "/costs?country=mexico&travel_cost=600&companions=1&nights=5&nightly_cost=120",
    "claims": "/claims",
    "clinic-questions": "/clinic-questions",
    "recovery": "/recovery?procedure_date=2026-03-02",
    "values": "/values",
    "summary-start": "/summary",
    "save": "/save",
    "start-again": "/start-again",
    "faq": "/faq?q=Is+it+covered+by+insurance",
    "not-found": "/no-such-page",
}
