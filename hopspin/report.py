"""A tiny report builder: one structure, written as Markdown and as standalone HTML.

Figures are saved as PNG and PDF next to the report; the HTML embeds the PNGs (base64), so
``report.html`` can be mailed on its own.
"""

from __future__ import annotations

import base64
import csv
import html
from dataclasses import dataclass, field
from pathlib import Path

from ._io import atomic_write, save_figure, write_text

__all__ = ["Report", "write_csv", "save_png_pdf"]


@dataclass
class Report:
    title: str
    blocks: list = field(default_factory=list)  # ("h", text) | ("p", text) | ("table", header, rows) | ("fig", path, caption)

    def heading(self, text: str) -> None:
        self.blocks.append(("h", text))

    def paragraph(self, text: str) -> None:
        self.blocks.append(("p", text))

    def table(self, header: list[str], rows: list[list]) -> None:
        self.blocks.append(("table", header, [[str(c) for c in r] for r in rows]))

    def figure(self, png: Path, caption: str) -> None:
        self.blocks.append(("fig", Path(png), caption))

    def to_markdown(self, base: Path) -> str:
        out = [f"# {self.title}", ""]
        for block in self.blocks:
            kind = block[0]
            if kind == "h":
                out += [f"## {block[1]}", ""]
            elif kind == "p":
                out += [block[1], ""]
            elif kind == "table":
                header, rows = block[1], block[2]
                out.append("| " + " | ".join(header) + " |")
                out.append("|" + "---|" * len(header))
                out += ["| " + " | ".join(r) + " |" for r in rows]
                out.append("")
            elif kind == "fig":
                rel = block[1].relative_to(base) if block[1].is_relative_to(base) else block[1]
                out += [f"![{block[2]}]({rel})", "", f"*{block[2]}*", ""]
        return "\n".join(out)

    def to_html(self) -> str:
        parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(self.title)}</title>",
                 "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
                 "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em .6em;text-align:left}"
                 "img{max-width:100%}figcaption{font-style:italic}code{background:#eee}</style></head><body>",
                 f"<h1>{html.escape(self.title)}</h1>"]
        for block in self.blocks:
            kind = block[0]
            if kind == "h":
                parts.append(f"<h2>{html.escape(block[1])}</h2>")
            elif kind == "p":
                parts.append(f"<p>{html.escape(block[1])}</p>")
            elif kind == "table":
                parts.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in block[1]) + "</tr>")
                for row in block[2]:
                    parts.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>")
                parts.append("</table>")
            elif kind == "fig":
                data = base64.b64encode(block[1].read_bytes()).decode()
                parts.append(f"<figure><img alt='{html.escape(block[2])}' src='data:image/png;base64,{data}'>"
                             f"<figcaption>{html.escape(block[2])}</figcaption></figure>")
        parts.append("</body></html>")
        return "\n".join(parts)

    def write(self, directory: Path) -> tuple[Path, Path]:
        directory = Path(directory)
        md, page = directory / "report.md", directory / "report.html"
        write_text(md, self.to_markdown(directory))
        write_text(page, self.to_html())
        return md, page


def write_csv(path: Path, header: list[str], rows) -> Path:
    """Write rows (sequences) under ``header`` as CSV; returns the path."""
    with atomic_write(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
    return Path(path)


def save_png_pdf(fig, directory: Path, stem: str) -> Path:
    """Save ``fig`` as ``stem.png`` (130 dpi) and ``stem.pdf`` in ``directory``, close it; returns the PNG path."""
    import matplotlib.pyplot as plt

    png = Path(directory) / f"{stem}.png"
    save_figure(fig, png, dpi=130, bbox_inches="tight")
    save_figure(fig, Path(directory) / f"{stem}.pdf", bbox_inches="tight")
    plt.close(fig)
    return png
