"""Progress of a scoring run: a rich bar on a terminal, plain periodic lines otherwise.

The bar's total is the input size in bytes (known before reading starts, unlike the number of
articles), so the ETA holds for a folder of small files and for one large export alike.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

LOG_EVERY_S = 10.0


class Progress:
    def __init__(
        self,
        total_bytes: int,
        enabled: bool | None = None,
        stream: TextIO | None = None,
        every_s: float = LOG_EVERY_S,
    ) -> None:
        self.stream = stream or sys.stderr
        self.total = max(total_bytes, 1)
        self.done_bytes = 0
        self.articles = 0
        self.sentences = 0
        self.started = time.perf_counter()
        self.every_s = every_s
        self.last_log = self.started
        terminal = self.stream.isatty() if enabled is None else enabled
        self.bar: Any = self._bar() if terminal else None

    def _bar(self) -> Any:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import (
            Progress as RichProgress,
        )

        bar = RichProgress(
            TextColumn("scoring"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("{task.fields[rates]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(file=self.stream),
            transient=False,
        )
        self.task = bar.add_task("score", total=self.total, rates="")
        bar.start()
        return bar

    def rates(self) -> str:
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        return (
            f"{self.articles:,} articles ({self.articles / elapsed:,.0f}/s), "
            f"{self.sentences:,} sentences ({self.sentences / elapsed:,.0f}/s)"
        )

    def update(self, done_bytes: int, articles: int, sentences: int) -> None:
        self.done_bytes, self.articles, self.sentences = done_bytes, articles, sentences
        if self.bar is not None:
            self.bar.update(self.task, completed=min(done_bytes, self.total), rates=self.rates())
            return
        now = time.perf_counter()
        if now - self.last_log >= self.every_s:
            self.last_log = now
            share = 100 * min(done_bytes, self.total) / self.total
            print(f"score: {share:.0f}% of input; {self.rates()}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=self.total, rates=self.rates())
            self.bar.stop()
