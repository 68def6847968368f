"""The digest chart: a PNG with the team trend and a rep × behavior heat map; missing data never looks like 0."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image as PILImage

from bot.digests.charts import CMAP, HEAT_LEFT, HEAT_WIDTH, ChartRenderer
from storage.repos.digests import SessionTally
from tests.digests.test_compose import CURRENT, LAST, cell, digest, member, sums


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(PILImage.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _heat_map(png: bytes) -> np.ndarray:
    """The heat map's columns of the chart (the colour bar beside it has every colour)."""
    pixels = _pixels(png)
    width = pixels.shape[1]
    return pixels[:, int(HEAT_LEFT * width) + 2: int((HEAT_LEFT + HEAT_WIDTH) * width) - 2]


def _has_colour(pixels: np.ndarray, rgb: tuple[int, int, int], tolerance: int = 6) -> bool:
    return bool((np.abs(pixels - np.array(rgb)).max(axis=2) <= tolerance).any())


def _team(second_rep_scores: list[int] | None):  # type: ignore[no-untyped-def]
    reps = [member(1, "Ana Ruiz"), member(2, "Ben Okafor")]
    cells = [cell(1, "empathy", CURRENT, [80, 84]), cell(1, "empathy", LAST, [70]),
             cell(1, "open_question", CURRENT, [75])]
    trends = [sums(1, "empathy", [70, 80, 84]), sums(1, "open_question", [75])]
    if second_rep_scores is not None:
        cells.append(cell(2, "empathy", CURRENT, second_rep_scores))
    return digest(reps, cells, trends, [SessionTally(1, CURRENT, 2, 0)])


def test_the_chart_is_a_png_wide_enough_for_chat() -> None:
    png = ChartRenderer().render(_team([55]))
    image = PILImage.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == 1000 and image.height >= 420


def test_a_rep_with_no_sessions_is_not_painted_as_a_zero() -> None:
    zero = tuple(int(round(c * 255)) for c in CMAP(0.0)[:3])
    renderer = ChartRenderer()
    assert _has_colour(_heat_map(renderer.render(_team([0]))), zero)  # a real 0 is dark red...
    assert not _has_colour(_heat_map(renderer.render(_team(None))), zero)  # ...a missing score is not
    assert _has_colour(_heat_map(renderer.render(_team(None))), (0xE4, 0xE4, 0xE4))  # it is the grey, hatched cell


def test_redrawing_on_a_cached_layout_shows_only_this_digests_data() -> None:
    renderer = ChartRenderer()
    first, other = _team([55]), _team([10, 20])
    a = renderer.render(first)
    b = renderer.render(other)
    assert a != b and renderer.render(first) == a
    assert ChartRenderer().render(first) == a  # same picture as a fresh renderer draws


def test_a_team_with_nothing_scored_gets_a_chart_that_says_so() -> None:
    png = ChartRenderer().render(digest([member(1, "Ana Ruiz")]))
    assert png.startswith(b"\x89PNG") and PILImage.open(io.BytesIO(png)).height == 200
