"""Small SVG charts drawn on the server, so that the report page and the PDF show
the very same pictures without a JavaScript library or a CDN.

Every function returns a complete, self-contained ``<svg>`` element (escaped
text, presentation attributes only: no style attributes or scripts, so the
page's Content Security Policy stays strict). The viewBox scales the chart to
its container's width.
"""

from collections.abc import Sequence
from datetime import date, timedelta

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
FONT = "Noto Sans CJK JP, Noto Sans, Helvetica, Arial, sans-serif"
BAR = "#0d6efd"
ACCENT = "#198754"
MUTED = "#6c757d"
GRID = "#dee2e6"


def _svg(height: int, title: str, body: list[str]) -> SafeString:
    t = escape(title)
    return mark_safe(  # noqa: S308  # nosec B308 B703: every piece of text below is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{t}" font-family="{FONT}" font-size="13">'
        f"<title>{t}</title>{''.join(body)}</svg>"
    )


def _empty(title: str, message: str = "Nothing to show yet.") -> SafeString:
    return _svg(
        60,
        title,
        [f'<text x="{WIDTH / 2}" y="34" text-anchor="middle" fill="{MUTED}">{escape(message)}</text>'],
    )


def _short(label: str, limit: int = 30) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _nice_max(value: float) -> int:
    """A round axis maximum a little above the data."""
    if value <= 5:
        return max(int(value), 1)
    for step in (2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value / step <= 6:
            return int(-(-value // step) * step)
    return int(value)


def bar_chart(items: Sequence[tuple[str, float]], *, title: str, color: str = BAR) -> SafeString:
    """Horizontal bars: one per labelled value, longest first as given."""
    items = [(str(label), value) for label, value in items]
    if not items or not any(v for _, v in items):
        return _empty(title)
    label_w, right_pad, row_h, top = 220, 48, 26, 8
    height = top + row_h * len(items) + 8
    top_value = max(v for _, v in items) or 1
    span = WIDTH - label_w - right_pad
    body = []
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        w = max(span * value / top_value, 2 if value else 0)
        body.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" fill="#212529">'
            f"<title>{escape(label)}</title>{escape(_short(label))}</text>"
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" rx="3" fill="{color}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 17}" fill="#212529">{escape(_fmt(value))}</text>'
        )
    return _svg(height, title, body)


def column_chart(points: Sequence[tuple[date, float]], *, title: str, color: str = BAR) -> SafeString:
    """Vertical columns over days, e.g. partnering meetings held per day."""
    if not points:
        return _empty(title)
    left, bottom, top, height = 40, 44, 16, 220
    plot_h = height - bottom - top
    plot_w = WIDTH - left - 12
    top_value = _nice_max(max(v for _, v in points))
    slot = plot_w / len(points)
    bar_w = min(slot * 0.7, 56)
    body = _grid(left, top, plot_w, plot_h, top_value)
    every = max(1, round(len(points) / 10))  # at most ten day labels
    for i, (day, value) in enumerate(points):
        h = plot_h * value / top_value
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h - h
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" rx="2" fill="{color}">'
            f"<title>{escape(day.strftime('%a %d %b %Y'))}: {escape(_fmt(value))}</title></rect>"
            f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="12">'
            f"{escape(_fmt(value))}</text>"
        )
        if i % every == 0:
            body.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 18}" text-anchor="middle" font-size="12" '
                f'fill="{MUTED}">{escape(day.strftime("%a %d %b"))}</text>'
            )
    return _svg(height, title, body)


def progress_chart(
    points: Sequence[tuple[date, float]],
    *,
    total: float,
    title: str,
    start: date | None = None,
    end: date | None = None,
) -> SafeString:
    """A step line of a cumulative count (follow-ups done) against its total, from
    `start` (e.g. the mission's first day) to `end` (e.g. today)."""
    if not total:
        return _empty(title, "No follow-ups yet.")
    if not points:
        return _empty(title, f"None of the {int(total)} follow-ups is done yet.")
    left, bottom, top, height = 40, 44, 16, 220
    plot_h = height - bottom - top
    plot_w = WIDTH - left - 16
    top_value = _nice_max(total)
    first = min(start or points[0][0], points[0][0])
    last = max(end or points[-1][0], points[-1][0])
    days = max((last - first).days, 1)

    def xy(day: date, value: float) -> tuple[float, float]:
        return left + plot_w * (day - first).days / days, top + plot_h - plot_h * value / top_value

    body = _grid(left, top, plot_w, plot_h, top_value)
    total_y = top + plot_h - plot_h * total / top_value
    body.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{total_y:.1f}" y2="{total_y:.1f}" stroke="{MUTED}" '
        f'stroke-dasharray="6 4"/><text x="{left + plot_w}" y="{total_y - 6:.1f}" text-anchor="end" '
        f'fill="{MUTED}" font-size="12">{escape(f"{int(total)} follow-ups")}</text>'
    )
    # Flat at zero from the first day, rising on each day follow-ups were done, flat until the last day.
    path, previous = [f"M{left},{top + plot_h}"], 0.0
    for day, value in points:
        x, y = xy(day, value)
        path.append(f"H{x:.1f} V{y:.1f}")
        previous = value
    path.append(f"H{left + plot_w:.1f}")
    body.append(f'<path d="{" ".join(path)}" fill="none" stroke="{ACCENT}" stroke-width="3"/>')
    for day, value in points:
        x, y = xy(day, value)
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{ACCENT}">'
            f"<title>{escape(day.strftime('%d %b %Y'))}: {escape(_fmt(value))} done</title></circle>"
        )
    for day in {first, last}:
        x = xy(day, 0)[0]
        anchor = "start" if day == first else "end"
        body.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="{anchor}" font-size="12" fill="{MUTED}">'
            f"{escape(day.strftime('%d %b %Y'))}</text>"
        )
    body.append(
        f'<text x="{left + plot_w}" y="{top + plot_h + 36}" text-anchor="end" font-size="12" fill="{MUTED}">'
        f"{escape(f'{int(previous)} of {int(total)} done')}</text>"
    )
    return _svg(height, title, body)


def _grid(left: int, top: int, plot_w: float, plot_h: float, top_value: int) -> list[str]:
    lines = []
    steps = min(top_value, 4)
    for i in range(steps + 1):
        value = top_value * i / steps
        y = top + plot_h - plot_h * i / steps
        lines.append(
            f'<line x1="{left}" x2="{left + plot_w:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{MUTED}">'
            f"{escape(_fmt(value))}</text>"
        )
    return lines


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _chart_end(report) -> date:
    """Two weeks past the later of the mission's end and the last follow-up done, but not past today."""
    last = report.completion_by_day[-1][0] if report.completion_by_day else report.mission.end_date
    return min(report.today, max(last, report.mission.end_date) + timedelta(days=14))


def report_charts(report) -> dict[str, SafeString]:
    """The four charts of a mission report, by name."""
    return {
        "meetings_per_day": column_chart(report.meetings_by_day, title="Partnering meetings held per day"),
        "sectors": bar_chart(
            [(c.label, c.value) for c in report.counterparts_by_sector],
            title="Counterpart organisations by sector",
        ),
        "followups": progress_chart(
            report.completion_by_day,
            total=report.followups_created - report.followups_cancelled,
            title="Follow-ups done over time",
            start=report.mission.start_date,
            end=_chart_end(report),
        ),
        "outcomes": bar_chart(
            [(line.label, line.count) for line in report.outcome_lines], title="Outcomes by kind", color=ACCENT
        ),
    }
