"""Where a `regenspine faq` run's own time goes, in-process: `python -m bench.faq_steps REPEAT`.

Imports, reading the knowledge base, the index's inputs with their key, stemming a fresh index,
and taking the kept form back from JSON text instead; each step after the imports is the best of
REPEAT runs (CPU seconds of this process). Prints the seconds per step as JSON.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any


def _best(step: Callable[[], Any], repeat: int) -> float:
    seconds = []
    for _ in range(repeat):
        started = time.process_time()
        step()
        seconds.append(time.process_time() - started)
    return min(seconds)


def faq_steps(repeat: int) -> dict[str, float]:
    """CPU seconds of each step of answering from a fresh index and from a kept one."""
    started = time.process_time()
    from regenspine.decision_aid import faq_index
    from regenspine.knowledge import loader

    steps = {"imports": time.process_time() - started}
    steps["knowledge"] = _best(lambda: loader.load_knowledge.__wrapped__(), repeat)
    knowledge, vocabulary = loader.load_knowledge(), faq_index.read_vocabulary()
    inputs = faq_index.index_inputs(knowledge, vocabulary)
    steps["inputs and key"] = _best(
        lambda: faq_index.inputs_key(faq_index.index_inputs(knowledge, vocabulary)), repeat
    )
    steps["fresh index (stemming)"] = _best(lambda: faq_index.build_index(inputs), repeat)
    key = faq_index.inputs_key(inputs)
    kept_text = json.dumps(faq_index.kept_form(faq_index.build_index(inputs), key))
    steps["kept index (JSON, checked)"] = _best(
        lambda: faq_index.from_kept_form(json.loads(kept_text), inputs), repeat
    )
    return {name: round(seconds, 4) for name, seconds in steps.items()}


if __name__ == "__main__":
    print(json.dumps(faq_steps(int(sys.argv[1]) if len(sys.argv) > 1 else 5)))
