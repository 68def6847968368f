"""The digest chart: team trend per behavior over the last periods, and a rep × behavior heat map.

One PNG, drawn with matplotlib's Agg canvas (no pyplot, no display). Cells with
no scores this period are grey and hatched with a dash, never drawn as 0.

Speed matters (a digest run draws one chart per manager), and in matplotlib
the time goes into laying out text and axes. So a chart is drawn on a cached
template: everything that only depends on the layout (axes, ticks, period
labels, behavior names, legend, colour bar) is drawn once and restored as a
bitmap; per digest matplotlib draws only the trend lines, and the heat map's
flat cells are filled straight into the canvas with the colour map. Rep names
and cell numbers are rasterised with matplotlib's own FreeType font (numbers
once each, they repeat across charts) and stamped onto the bitmap, and the PNG
is written with unfiltered rows, several times quicker than the adaptive
filtering PIL spends most of its time on.
"""

from __future__ import annotations

import struct
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg, get_hinting_flag
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font

from bot.digests.model import DigestData

DPI = 100
WIDTH_IN = 10.0
CMAP = colormaps["RdYlGn"].with_extremes(bad="#e4e4e4")
LINE_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f")
MISSING = "–"
DARK, LIGHT = np.array([34.0, 34.0, 34.0]), np.array([255.0, 255.0, 255.0])
HEAT_LEFT, HEAT_WIDTH = 0.64, 0.25  # the heat map's place in the figure (fractions of its width)


@dataclass
class _Template:
    """A drawn figure for one layout, and the handles to the parts that change per digest."""

    fig: Figure
    canvas: FigureCanvasAgg
    background: Any
    trend_ax: Any
    heat_ax: Any
    lines: list[Any]
    cell_box: np.ndarray  # (reps, behaviors, 4): top, bottom, left, right in pixels, origin top-left
    name_px: np.ndarray  # (reps, 2) where each rep's name ends (right edge, vertical centre)


class ChartRenderer:
    """Draws digest charts; thread-safe, with a small cache of layout templates."""

    def __init__(self, cache_size: int = 16) -> None:
        self._templates: OrderedDict[tuple[Any, ...], _Template] = OrderedDict()
        self._text = _TextStamps()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def render(self, data: DigestData) -> bytes:
        """The digest's chart as PNG bytes."""
        with self._lock:
            if not data.reps or not data.behaviors:
                return _empty_chart(data)
            template = self._template(data)
            return self._draw(template, data)

    # -- templates

    def _template(self, data: DigestData) -> _Template:
        key = (len(data.reps), tuple(b.name for b in data.behaviors), tuple(data.trend_starts), data.in_progress)
        found = self._templates.get(key)
        if found is not None:
            self._templates.move_to_end(key)
            return found
        template = _build_template(data)
        self._templates[key] = template
        if len(self._templates) > self._cache_size:
            self._templates.popitem(last=False)
        return template

    def _draw(self, t: _Template, data: DigestData) -> bytes:
        t.canvas.restore_region(t.background)
        for line, behavior in zip(t.lines, data.behaviors):
            line.set_ydata([np.nan if v is None else v for v in behavior.series])
            t.trend_ax.draw_artist(line)
        pixels = np.array(t.canvas.buffer_rgba())  # RGBA, contiguous: cheap to copy and to encode
        for r, rep in enumerate(data.reps):
            x, y = t.name_px[r]
            self._text.stamp(pixels, _short(rep.name, 18), x, y, DARK, align="right")
            for c, figure in enumerate(rep.behaviors):
                top, bottom, left, right = t.cell_box[r, c]
                x, y = (left + right) / 2, (top + bottom) / 2
                if figure.mean is None:
                    _hatch(pixels, top, bottom, left, right)
                    self._text.stamp(pixels, MISSING, x, y, DARK)
                else:
                    pixels[top:bottom, left:right, :3] = _LUT[_lut_index(figure.mean)]
                    colour = LIGHT if _needs_light_text(figure.mean) else DARK
                    self._text.stamp(pixels, f"{figure.mean:.0f}", x, y, colour)
        return encode_png(pixels)


# The heat map is a handful of flat rectangles: they are filled straight into the canvas bitmap
# with the colour map's own 256 colours (what imshow would pick), which costs microseconds.
_LUT = np.round(CMAP(np.linspace(0.0, 1.0, CMAP.N))[:, :3] * 255).astype(np.uint8)
_MISSING_FILL, _MISSING_LINE = np.array([0xE4] * 3, np.uint8), np.array([0xA0] * 3, np.uint8)


def _lut_index(value: float) -> int:
    return int(min(max(value, 0.0), 100.0) / 100.0 * (CMAP.N - 1) + 0.5)


def _needs_light_text(value: float) -> bool:
    r, g, b = _LUT[_lut_index(value)] / 255.0
    return 0.299 * r + 0.587 * g + 0.114 * b < 0.45


def _hatch(pixels: np.ndarray, top: int, bottom: int, left: int, right: int) -> None:
    """Grey with thin diagonal lines: 'no sessions', unmistakable for any score."""
    cell = pixels[top:bottom, left:right, :3]
    cell[:] = _MISSING_FILL
    rows, cols = np.ogrid[top:bottom, left:right]  # absolute, so the lines run on across neighbouring cells
    cell[(rows + cols) % 8 == 0] = _MISSING_LINE


class _TextStamps:
    """Short labels rasterised with matplotlib's FreeType font (the one Agg draws text with) and
    blended onto a bitmap; a label seen before is reused, so cell numbers are drawn once each."""

    def __init__(self, size_pt: float = 8, limit: int = 4096) -> None:
        self.size_pt = size_pt
        self.limit = limit
        self._font_path = findfont(FontProperties(size=size_pt))
        self._masks: OrderedDict[str, np.ndarray] = OrderedDict()

    def mask(self, text: str) -> np.ndarray:
        found = self._masks.get(text)
        if found is not None:
            self._masks.move_to_end(text)
            return found
        font = get_font(self._font_path)
        font.set_size(self.size_pt, DPI)
        font.set_text(text, 0.0, flags=get_hinting_flag())
        font.draw_glyphs_to_bitmap(antialiased=True)
        alpha = np.asarray(font.get_image())
        rows, cols = np.nonzero(alpha)
        mask = (alpha[rows.min(): rows.max() + 1, cols.min(): cols.max() + 1] if len(rows)
                else np.zeros((1, 1), np.uint8)).astype(np.float32) / 255.0
        self._masks[text] = mask
        if len(self._masks) > self.limit:
            self._masks.popitem(last=False)
        return mask

    def stamp(self, pixels: np.ndarray, text: str, x: float, y: float, rgb: np.ndarray,
              align: str = "center") -> None:
        """Blend `text` onto `pixels` (rows from the top), centred on (x, y) or ending at x."""
        mask = self.mask(text)
        h, w = mask.shape
        x0 = int(round(x - w)) if align == "right" else int(round(x - w / 2))
        y0 = int(round(y - h / 2))
        top, left = max(y0, 0), max(x0, 0)
        bottom, right = min(y0 + h, pixels.shape[0]), min(x0 + w, pixels.shape[1])
        if bottom <= top or right <= left:
            return
        alpha = mask[top - y0: bottom - y0, left - x0: right - x0, None]
        region = pixels[top:bottom, left:right, :3].astype(np.float32)
        pixels[top:bottom, left:right, :3] = (region * (1 - alpha) + rgb * alpha + 0.5).astype(np.uint8)


def encode_png(rgba: np.ndarray) -> bytes:
    """An RGBA bitmap (the Agg canvas's own layout) as PNG: unfiltered rows, fast zlib."""
    height, width, _ = rgba.shape
    rows = np.empty((height, width * 4 + 1), np.uint8)
    rows[:, 0] = 0  # filter type "None" on every row
    rows[:, 1:] = np.ascontiguousarray(rgba).reshape(height, -1)

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows.tobytes(), 1))
            + chunk(b"IEND", b""))


def _short(name: str, limit: int) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _period_labels(data: DigestData) -> list[str]:
    labels = [f"{d.day} {d:%b}" for d in data.trend_starts]
    labels[-1] = "this period" + (" (so far)" if data.in_progress else "")
    return labels


def _build_template(data: DigestData) -> _Template:
    reps, behaviors = len(data.reps), len(data.behaviors)
    height = max(4.2, 1.5 + 0.3 * reps)
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    canvas = FigureCanvasAgg(fig)
    top, bottom = 1 - 0.55 / height, 1.05 / height

    trend = fig.add_axes((0.06, bottom + 0.25 / height, 0.40, top - bottom - 0.25 / height))
    x = np.arange(len(data.trend_starts))
    trend.set_xlim(-0.3, len(x) - 0.7)
    trend.set_ylim(0, 100)
    trend.set_yticks([0, 25, 50, 75, 100])
    trend.set_xticks(x, _period_labels(data), fontsize=8)
    trend.tick_params(axis="y", labelsize=8)
    trend.grid(axis="y", alpha=0.3)
    trend.set_title("Team average per behavior, by period", fontsize=10)
    lines = []
    for i, behavior in enumerate(data.behaviors):
        (line,) = trend.plot(x, np.full(len(x), np.nan), marker="o", markersize=4, linewidth=1.8,
                             color=LINE_COLORS[i % len(LINE_COLORS)], label=_short(behavior.name, 24), animated=True)
        lines.append(line)
    trend.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=min(3, behaviors), fontsize=8,
                 frameon=False)

    heat = fig.add_axes((HEAT_LEFT, bottom, HEAT_WIDTH, top - bottom))
    heat.set_xlim(-0.5, behaviors - 0.5)
    heat.set_ylim(reps - 0.5, -0.5)  # first rep on top, as in a table
    heat.set_xticks(range(behaviors), [_short(b.name, 14) for b in data.behaviors], fontsize=8, rotation=20,
                    ha="right")
    heat.set_yticks(range(reps), [""] * reps)
    heat.tick_params(axis="y", length=0)
    heat.set_title("Average this period, by rep", fontsize=10)
    colour_axes = fig.add_axes((HEAT_LEFT + HEAT_WIDTH + 0.015, bottom, 0.012, top - bottom))
    colorbar = fig.colorbar(ScalarMappable(Normalize(0, 100), CMAP), cax=colour_axes)
    colorbar.ax.tick_params(labelsize=7)
    fig.text(0.985, 0.015, f"{MISSING} hatched: no sessions this period", ha="right", fontsize=7, color="#666666")
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    _, height_px = canvas.get_width_height()
    boxes = np.zeros((reps, behaviors, 4), dtype=int)
    names = np.zeros((reps, 2))
    for r in range(reps):
        for c in range(behaviors):
            (x0, y0), (x1, y1) = heat.transData.transform([(c - 0.5, r - 0.5), (c + 0.5, r + 0.5)])
            boxes[r, c] = sorted((round(height_px - y0), round(height_px - y1))) + sorted((round(x0), round(x1)))
        px, py = heat.transData.transform((-0.5, r))
        names[r] = (px - 6, height_px - py)
    return _Template(fig, canvas, background, trend, heat, lines, boxes, names)


def _empty_chart(data: DigestData) -> bytes:
    fig = Figure(figsize=(WIDTH_IN, 2.0), dpi=DPI)
    message = ("No one reports to you yet, so there is nothing to chart." if not data.reps
               else "No practice has been scored in this window yet.")
    fig.text(0.5, 0.55, message, ha="center", va="center", fontsize=11)
    fig.text(0.5, 0.3, data.period_label, ha="center", va="center", fontsize=9, color="#666666")
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return encode_png(np.array(canvas.buffer_rgba()))
