"""A bar chart of counts per day: one bar a day from zero, the scale on the left, days as
dd/mm below, the last day (today) in bold.

Textual's ``Sparkline`` scales its bars from the smallest value to the largest (a quiet day
of 40 plans looks like none) and has no axis or labels, and a plotting library (plotext)
merges bars and prints decimal ticks at terminal sizes; the chart a person reads at a
glance is short enough to draw here, with eighth blocks for the tops.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

EIGHTHS = " ▁▂▃▄▅▆▇█"
DAY_FORMAT = "%d/%m"
LABEL_WIDTH = 5  # dd/mm


def number(value: int) -> str:
    """1.234 (Italian thousands separator)."""
    return f"{value:,}".replace(",", ".")


class DayBars(Widget):
    DEFAULT_CSS = """
    DayBars {
        height: 10;
        width: 1fr;
    }
    DayBars > .day-bars--bar {
        color: $primary;
    }
    DayBars > .day-bars--today {
        color: $accent;
        text-style: bold;
    }
    DayBars > .day-bars--axis {
        color: $text-muted;
    }
    """
    COMPONENT_CLASSES = {"day-bars--bar", "day-bars--today", "day-bars--axis"}

    days: reactive[tuple[tuple[dt.date, int], ...]] = reactive(tuple)

    def render(self) -> Text:
        days = self.days
        text = Text(no_wrap=True, overflow="crop", end="")
        if not days:
            return text
        bar_style = self.get_component_rich_style("day-bars--bar")
        today_style = self.get_component_rich_style("day-bars--today")
        axis_style = self.get_component_rich_style("day-bars--axis")
        top = max(count for _, count in days)
        scale = max(len(number(top)), 1)
        width, height = self.content_size.width, max(self.content_size.height - 1, 1)
        step = max((width - scale - 1) // len(days), 1)  # columns per day
        bar_width = max(step - 1, 1)
        levels = [round(count / top * height * 8) if top else 0 for _, count in days]
        for row in range(height):
            floor = (height - 1 - row) * 8  # eighths below this row
            label = number(top) if row == 0 else "0" if row == height - 1 else ""
            text.append(label.rjust(scale) + "┤" if label else " " * scale + "│", axis_style)
            for index, level in enumerate(levels):
                cell = EIGHTHS[min(max(level - floor, 0), 8)]
                style = today_style if index == len(levels) - 1 else bar_style
                text.append(cell * bar_width, style)
                text.append(" " * (step - bar_width))
            text.append("\n")
        text.append(" " * (scale + 1))
        text.append(self._day_labels([day for day, _ in days], step), axis_style)
        return text

    @staticmethod
    def _day_labels(days: list[dt.date], step: int) -> str:
        """dd/mm under the last day and every week before it, where there is room."""
        line = [" "] * (len(days) * step + LABEL_WIDTH)
        every = max(7, -(-(LABEL_WIDTH + 1) // step))
        for index in range(len(days) - 1, -1, -every):
            start = index * step
            line[start : start + LABEL_WIDTH] = days[index].strftime(DAY_FORMAT)
        return "".join(line).rstrip()
