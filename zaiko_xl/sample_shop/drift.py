"""Code drift of the warehouse file: the same code written the ways people and programs write it."""

from __future__ import annotations

import numpy as np

DRIFT_SHARE = 0.05
# Only characters that survive a CP932 round trip (U+2212 MINUS comes back as U+FF0D; EN DASH is
# not in CP932): the frame must equal what a reader gets back from warehouse.csv.
HYPHENS = ("ー", "‐", "―", "－", "ｰ")
_FULLWIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}


def _fullwidth(code: str, rng: np.random.Generator) -> str:
    return code.translate(_FULLWIDTH)


def _hyphen(code: str, rng: np.random.Generator) -> str:
    return code.replace("-", HYPHENS[int(rng.integers(len(HYPHENS)))])


def _case(code: str, rng: np.random.Generator) -> str:
    return code.lower()


def _trailing(code: str, rng: np.random.Generator) -> str:
    return code + (" ", "  ", "\u3000")[int(rng.integers(3))]


def _leading(code: str, rng: np.random.Generator) -> str:
    return " " + code


def _inner(code: str, rng: np.random.Generator) -> str:
    cut = code.find("-")
    return code[: cut + 1] + " " + code[cut + 1:] if cut >= 0 else code[:1] + " " + code[1:]


def _mixed(code: str, rng: np.random.Generator) -> str:
    return _fullwidth(code, rng).replace("－", "ー") + " "


DRIFTS = {"fullwidth": _fullwidth, "hyphen": _hyphen, "case": _case, "trailing_space": _trailing,
          "leading_space": _leading, "inner_space": _inner, "mixed": _mixed}


def drift_codes(codes: np.ndarray, rng: np.random.Generator, share: float = DRIFT_SHARE) -> tuple[np.ndarray, np.ndarray]:
    """About ``share`` of the codes rewritten by one drift each.

    Returns:
        The codes (object array) and the drift name per code ("" where unchanged).
    """
    out = codes.astype(object).copy()
    kind = np.full(len(codes), "", dtype=object)
    names = list(DRIFTS)
    for i in np.flatnonzero(rng.random(len(codes)) < share).tolist():
        name = names[int(rng.integers(len(names)))]
        out[i], kind[i] = DRIFTS[name](codes[i], rng), name
    return out, kind
