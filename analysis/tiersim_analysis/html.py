# SPDX-License-Identifier: MIT
"""A small self-contained HTML page (no scripts, no external resources) for the three scripts."""

import html

from .metrics import PROVENANCE_KEYS, fmt, fmt_metric, metric_label

STYLE = """
body { font-family: "DejaVu Sans", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif;
       margin: 2em auto; max-width: 1250px; color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; } h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.1em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
th { background: #f0f0f0; } td.name, th.name { text-align: left; }
.scroll { overflow-x: auto; max-width: 100%; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: 0.9em; color: #555; }
.note { background: #fff6d6; border-left: 4px solid #e0b400; padding: 0.5em 1em; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
.neg { color: #a00; } .pos { color: #060; }
"""


def esc(text):
    return html.escape(str(text))


class Page:
    def __init__(self, title):
        self.title = title
        self.parts = []

    def h(self, level, text):
        self.parts.append(f"<h{level}>{esc(text)}</h{level}>")

    def p(self, text, cls=None):
        c = f' class="{cls}"' if cls else ""
        self.parts.append(f"<p{c}>{esc(text)}</p>")

    def note(self, text):
        self.p(text, "note")

    def raw(self, markup):
        self.parts.append(markup)

    def image(self, name, caption=None):
        """An <img> of a PNG in the page's folder; nothing when the plot was not made."""
        if name is None:
            return
        cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
        self.parts.append(f'<figure><img src="{esc(name)}" alt="{esc(caption or name)}">{cap}</figure>')

    def kv(self, items):
        """A two-column table of (key, value) pairs."""
        rows = "".join(f'<tr><th class="name">{esc(k)}</th><td class="name">{esc(v)}</td></tr>'
                       for k, v in items)
        self.parts.append(f"<table>{rows}</table>")

    def table(self, frame, metrics_in_columns=True, index=False):
        """A DataFrame as a table: columns named after metrics get their label and unit, share
        metrics are shown in %, NaN as '–'."""
        self.parts.append(table_html(frame, metrics_in_columns, index))

    def details(self, summary, text):
        self.parts.append(f"<details><summary>{esc(summary)}</summary><pre>{esc(text)}</pre></details>")

    def write(self, path):
        body = "\n".join(self.parts)
        path.write_text(f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                        f"<title>{esc(self.title)}</title><style>{STYLE}</style></head>\n"
                        f"<body><h1>{esc(self.title)}</h1>\n{body}\n</body></html>\n",
                        encoding="utf-8")


def table_html(frame, metrics_in_columns=True, index=False):
    cols = list(frame.columns)
    head = ""
    if index:
        head += f'<th class="name">{esc(frame.index.name or "")}</th>'
    for c in cols:
        label = metric_label(c) if metrics_in_columns else c
        head += f'<th class="{"name" if c in ("name", "metric", "group") else ""}">{esc(label)}</th>'
    body = []
    for idx, row in frame.iterrows():
        cells = f'<td class="name">{esc(idx)}</td>' if index else ""
        for c in cols:
            v = row[c]
            if isinstance(v, str):
                cells += f'<td class="name">{esc(v)}</td>'
            elif metrics_in_columns:
                cells += f"<td>{esc(fmt_metric(c, v))}</td>"
            else:
                cells += f"<td>{esc(fmt(v))}</td>"
        body.append(f"<tr>{cells}</tr>")
    return f'<div class="scroll"><table><tr>{head}</tr>{"".join(body)}</table></div>'


def provenance_section(page, provenance, label=None):
    """The provenance attributes as a table and the resolved scenario TOML in a <details>."""
    page.h(3 if label else 2, f"Provenance — {label}" if label else "Provenance")
    page.kv([(k, provenance[k]) for k in PROVENANCE_KEYS if k in provenance])
    if "scenario_toml" in provenance:
        page.details("resolved scenario (TOML)", provenance["scenario_toml"])
