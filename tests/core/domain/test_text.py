"""Control characters: named for the operator, refused by field, escaped for a terminal."""

from __future__ import annotations

import json

import pytest

from core.domain.text import (
    CONTROL_CHARACTERS,
    control_characters,
    field_text_problem,
    json_safe,
    terminal_safe,
    text_problem,
)

BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
REFUSED = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *BIDI]


def test_the_refused_set_is_c0_del_c1_and_the_bidi_controls() -> None:
    refused = {c for c in range(0x3000) if CONTROL_CHARACTERS.fullmatch(chr(c))}
    assert refused == set(REFUSED)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Lamp", []),
        ("Lámpara ≥ 5 €, 日本", []),
        ("\x1b[31mred", ["U+001B (ESC)"]),
        ("a\x07b\x07c", ["U+0007 (BEL)"]),
        ("lamp\u202etxt.exe", ["U+202E (RLO)"]),
        ("\x00\t\n\r\x7f",
         ["U+0000 (NUL)", "U+0009 (TAB)", "U+000A (LF)", "U+000D (CR)", "U+007F (DEL)"]),
        ("\x85\x9b\x9f", ["U+0085 (NEL)", "U+009B (CSI)", "U+009F (APC)"]),
        ("\u061c\u200e\u200f\u2066\u2069",
         ["U+061C (ALM)", "U+200E (LRM)", "U+200F (RLM)", "U+2066 (LRI)", "U+2069 (PDI)"]),
    ],
)  # fmt: skip
def test_control_characters_are_named_once_in_order(text: str, names: list[str]) -> None:
    assert control_characters(text) == names


def test_every_refused_character_has_a_name() -> None:
    for code in REFUSED:
        (name,) = control_characters(chr(code))
        assert name.startswith(f"U+{code:04X} (") and name.endswith(")") and "()" not in name


def test_one_line_fields_refuse_everything_descriptions_allow_tab_and_line_breaks() -> None:
    for field in ("id", "product_id", "name", "variant_type", "variant_value"):
        assert field_text_problem(field, "a\tb") == (
            "must not contain control characters; found U+0009 (TAB)"
        )
        assert field_text_problem(field, "a\nb") is not None
        assert field_text_problem(field, "Desk Lamp") is None
    assert field_text_problem("description", "line 1\n\tline 2\r\nline 3") is None
    assert field_text_problem("description", "\r=1+1") == (
        "must not contain control characters other than tab and line breaks; found U+000D (CR)"
    )
    assert field_text_problem("description", "ok\n\x1b[2J") is not None
    assert field_text_problem("description", "\u202e") is not None
    # Fields without the rule, and values that are not text, are other checks' business.
    assert field_text_problem("category", "\r=1+1") is None
    assert field_text_problem("name", 42) is None
    assert text_problem("x\x1by\u202e") == (
        "must not contain control characters; found U+001B (ESC), U+202E (RLO)"
    )


def test_terminal_safe_shows_every_control_character_escaped_and_is_idempotent() -> None:
    assert terminal_safe("\x1b[31mred\x07") == "\\x1b[31mred\\x07"
    assert terminal_safe("lamp\u202etxt") == "lamp\\u202etxt"
    assert terminal_safe("a\tb\nc\rd\x00\x7f\x9b") == "a\\x09b\\x0ac\\x0dd\\x00\\x7f\\x9b"
    assert terminal_safe("Lámpara “≥” C:\\shop") == "Lámpara “≥” C:\\shop"
    every = "".join(chr(c) for c in REFUSED)
    shown = terminal_safe(every)
    assert not CONTROL_CHARACTERS.search(shown)
    assert terminal_safe(shown) == shown


def test_json_safe_keeps_the_value_and_leaves_nothing_raw() -> None:
    value = {"name": "".join(chr(c) for c in REFUSED) + "é≥", "list": ["\u202e"]}
    text = json_safe(json.dumps(value, indent=2, ensure_ascii=False))
    assert json.loads(text) == value
    assert not CONTROL_CHARACTERS.search(text.replace("\n", ""))
    assert "é≥" in text  # readable text stays readable
