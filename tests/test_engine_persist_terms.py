"""A run encodes each distinct health term once, zero points included (issue 19, new day, session 7).

A new day rewrites some 3,000 stored rows, with twenty thousand terms among
them; the terms that gave no points ("no replies recorded recently") are the
most shared of all, but were encoded again for every row, as a zero may be -0.0:
equal to 0.0, yet written "-0.0". The sign of a zero is now part of what is
remembered, so each is encoded once and still written as the encoder writes it.
"""

from __future__ import annotations

import json

from keepwarm.api.types import Warning
from keepwarm.engine import conclusions
from keepwarm.engine.health import HealthTerm

ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _counting(monkeypatch) -> list[object]:
    encoded: list[object] = []
    real = conclusions._encode

    def encode(value):
        encoded.append(value)
        return real(value)

    monkeypatch.setattr(conclusions, "_encode", encode)
    return encoded


def test_a_term_without_points_is_encoded_once_per_run(monkeypatch):
    encoded = _counting(monkeypatch)
    texts = conclusions._TermTexts()
    quiet = HealthTerm("responsiveness", "Responsiveness", 0.0, 10.0, "no replies recorded recently")
    again = HealthTerm("responsiveness", "Responsiveness", 0.0, 10.0, "no replies recorded recently")

    first, second = texts((quiet,)), texts((again,))

    assert first == second == f"[{ENCODE(quiet.to_json())}]"
    assert len(encoded) == 1


def test_a_negative_zero_is_still_written_as_the_encoder_writes_it(monkeypatch):
    texts = conclusions._TermTexts()
    plus = HealthTerm("sentiment", "Sentiment", 0.0, 0.0, "no mood recorded recently")
    minus = HealthTerm("sentiment", "Sentiment", -0.0, -0.0, "no mood recorded recently")

    assert texts((plus,)) == f"[{ENCODE(plus.to_json())}]"
    assert texts((minus,)) == f"[{ENCODE(minus.to_json())}]"
    assert '"points":-0.0' in texts((minus,)) and '"points":0.0' in texts((plus,))


def test_a_warnings_text_is_its_json_and_its_severity_is_not_encoded_apart(monkeypatch):
    encoded = _counting(monkeypatch)
    warning = Warning("frequency_drop", 'Touches fell "sharply"', 3, {"recent": 1, "before": 2.5})

    text = conclusions._WarningTexts()((warning,))

    assert json.loads(text) == [
        {"key": "frequency_drop", "message": 'Touches fell "sharply"', "severity": 3, "evidence": warning.evidence}
    ]
    assert 3 not in encoded
