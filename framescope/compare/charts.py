"""Outlet comparison charts as PNG bytes: frame heatmap, net stance with intervals, trends."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd

from framescope import schema
from framescope.classifiers.base import LabelSpace


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # no display; called here, not at import time
    import matplotlib.pyplot as plt

    return plt


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    _pyplot().close(fig)
    return buffer.getvalue()


def _outlet_label(row: pd.Series) -> str:
    insufficient = row.get(schema.EVIDENCE) == schema.INSUFFICIENT
    return f"{row[schema.OUTLET]} (insufficient)" if insufficient else str(row[schema.OUTLET])


def frame_heatmap(table: pd.DataFrame, labels: LabelSpace, corrected: bool = False) -> bytes:
    """Outlet × frame shares, each cell annotated with its value."""
    plt = _pyplot()
    name = schema.frame_share_corrected if corrected else schema.frame_share
    values = table[[name(f) for f in labels.frame_ids]].to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(3 + 1.5 * len(labels.frame_ids), 1.5 + 0.4 * len(table)))
    vmax = max(0.05, np.nanmax(values, initial=0))
    image = ax.imshow(values, cmap="Blues", vmin=0, vmax=vmax, aspect="auto")
    ax.set_xticks(range(len(labels.frame_ids)), labels.frame_ids, rotation=15, ha="right")
    ax.set_yticks(range(len(table)), [_outlet_label(r) for _, r in table.iterrows()])
    threshold = np.nanmax(values, initial=0) * 0.6
    for (i, j), value in np.ndenumerate(values):
        text = "n/a" if np.isnan(value) else f"{value:.2f}"
        color = "white" if value > threshold else "black"
        ax.text(j, i, text, ha="center", va="center", color=color, fontsize=9)
    kind = "corrected for classifier error" if corrected else "raw (as predicted)"
    ax.set_title(f"Frame share of content sentences, {kind}")
    fig.colorbar(image, ax=ax, fraction=0.04)
    return _png(fig)


def net_stance_chart(table: pd.DataFrame) -> bytes:
    """Net stance per outlet with its bootstrap interval as an error bar."""
    plt = _pyplot()
    ordered = table.sort_values(schema.NET_STANCE).reset_index(drop=True)
    point = ordered[schema.NET_STANCE].to_numpy(dtype=float)
    low = point - ordered[f"{schema.NET_STANCE}.{schema.CI_LOW}"].to_numpy(dtype=float)
    high = ordered[f"{schema.NET_STANCE}.{schema.CI_HIGH}"].to_numpy(dtype=float) - point
    fig, ax = plt.subplots(figsize=(7, 1.2 + 0.38 * len(ordered)))
    colors = [
        "#bbbbbb" if r.get(schema.EVIDENCE) == schema.INSUFFICIENT else "#1f5fa8"
        for _, r in ordered.iterrows()
    ]
    y = np.arange(len(ordered))
    ax.errorbar(point, y, xerr=[np.maximum(low, 0), np.maximum(high, 0)], fmt="none", ecolor=colors)
    ax.scatter(point, y, color=colors, zorder=3)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [_outlet_label(r) for _, r in ordered.iterrows()])
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel("net stance (favorable − unfavorable share), 95% interval")
    ax.set_title("Net stance toward the operation")
    return _png(fig)


def trends_chart(trends: pd.DataFrame, labels: LabelSpace) -> bytes | None:
    """One panel per frame and one for net stance, one line per outlet; None without dates."""
    if trends.empty:
        return None
    plt = _pyplot()
    panels = [*(schema.frame_share(f) for f in labels.frame_ids), schema.NET_STANCE]
    fig, axes = plt.subplots(len(panels), 1, figsize=(9, 2.3 * len(panels)), sharex=True)
    axes = np.atleast_1d(axes)
    periods = sorted(trends[schema.PERIOD].unique())
    position = {p: i for i, p in enumerate(periods)}
    for ax, panel in zip(axes, panels, strict=True):
        for outlet, group in trends.groupby(schema.OUTLET, sort=True):
            x = group[schema.PERIOD].map(position)
            ax.plot(x, group[panel], marker="o", markersize=3, linewidth=1, label=str(outlet))
        ax.set_ylabel(panel.removeprefix("frame_share."), fontsize=8)
        ax.grid(alpha=0.3)
    step = max(1, len(periods) // 12)
    axes[-1].set_xticks(range(0, len(periods), step), periods[::step], rotation=30, ha="right")
    axes[0].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axes[0].set_title("Shares of content sentences by period (raw)")
    return _png(fig)


def comparison_charts(
    table: pd.DataFrame, trends: pd.DataFrame, labels: LabelSpace
) -> dict[str, bytes]:
    """Every chart, by file name (corrected heatmap only where corrected shares exist)."""
    charts = {
        "frame_heatmap.png": frame_heatmap(table, labels),
        "net_stance.png": net_stance_chart(table),
    }
    if labels.frame_ids and schema.frame_share_corrected(labels.frame_ids[0]) in table:
        charts["frame_heatmap_corrected.png"] = frame_heatmap(table, labels, corrected=True)
    trend = trends_chart(trends, labels)
    if trend is not None:
        charts["trends.png"] = trend
    return charts
