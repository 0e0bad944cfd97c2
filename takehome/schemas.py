"""The published JSON Schemas of every file format, by name."""

from __future__ import annotations

import json

from pydantic import BaseModel

from challenges.model import ChallengeConfig
from challenges.rubric import Rubric
from challenges.samples import SampleExpectation
from reports.scorecard import Scorecard

SCHEMAS: dict[str, type[BaseModel]] = {
    "scorecard": Scorecard,
    "challenge": ChallengeConfig,
    "rubric": Rubric,
    "sample": SampleExpectation,
}


def schema_json(name: str) -> str:
    return json.dumps(SCHEMAS[name].model_json_schema(), indent=2, sort_keys=True) + "\n"
