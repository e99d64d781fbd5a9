"""The guide's Markdown (README.md, docs/*.md) as HTML pages: the Help buttons open them in a browser.

A desktop opens a `.html` file everywhere; a `.md` one only where something handles Markdown ("Unable to detect a
launcher" otherwise). scripts/package.py puts the pages in the zip beside their Markdown; a plugin folder without them
(a linked working copy) has them written on demand into a cache folder by write_guide (plugin/guide.py). Python's
standard library only, as scripts/package.py runs without QGIS: the Markdown the guide uses (headings, paragraphs,
nested lists, fenced and indented code, tables, images, links, bold, italic, code spans, rules), no more. Relative
links to `.md` pages point at their `.html` page; headings get GitHub's ids, so `page.md#section` links hold.

    python3 plugin/guide_html.py README.md > README.html
"""

from __future__ import annotations

import html
import os
import re
import shutil
import sys
import unicodedata
from pathlib import Path

# The guide, in the plugin folder: the README and the folder of the other pages and their images.
GUIDE_README = "README.md"
GUIDE_FOLDER = "docs"
FENCE = re.compile(r"^(\s*)(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+")
TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; line-height: 1.45; color: #222; }
code, pre { font-family: monospace; background: #f4f4f4; }
pre { padding: 0.6em; overflow-x: auto; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; vertical-align: top; text-align: left; }
img { max-width: 100%; }
"""


def slug(text: str, seen: dict[str, int]) -> str:
    """GitHub's id for a heading: lower case, punctuation dropped, spaces as dashes; repeats get -1, -2..."""
    plain = re.sub(r"<[^>]+>", "", text)
    plain = html.unescape(plain).strip().lower()
    kept = "".join(c for c in plain if c in " -_" or unicodedata.category(c)[0] in "LN")
    base = kept.replace(" ", "-")
    count = seen.get(base, 0)
    seen[base] = count + 1
    return base if count == 0 else f"{base}-{count}"


def link_target(href: str) -> str:
    """A relative link to a guide page points at its HTML page."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.IGNORECASE) or href.startswith("#"):
        return href
    path, hash_, anchor = href.partition("#")
    if path.endswith(".md"):
        path = path[:-3] + ".html"
    return path + hash_ + anchor


def inline(text: str) -> str:
    """Inline Markdown to HTML: code spans, images, links, autolinks, bold, italic, a few inline tags (sub, sup, br,
    kbd) and entities; the rest escaped."""
    kept: list[str] = []

    def keep(fragment: str) -> str:
        kept.append(fragment)
        return f"\x00{len(kept) - 1}\x00"

    text = re.sub(r"(`+)(.+?)\1", lambda m: keep(f"<code>{html.escape(m[2].strip())}</code>"), text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>])", lambda m: keep(html.escape(m[1])), text)
    text = re.sub(
        r"!\[([^\]]*)\]\(([^)\s]+)\)",
        lambda m: keep(f'<img src="{html.escape(m[2])}" alt="{html.escape(m[1])}">'),
        text,
    )
    text = re.sub(
        r"\[([^\]]+)\]\(([^)\s]+)\)",
        lambda m: keep(f'<a href="{html.escape(link_target(m[2]))}">{inline(m[1])}</a>'),
        text,
    )
    text = re.sub(r"</?(?:sub|sup|br|kbd)\s*/?>|&(?:[a-z]+|#\d+);", lambda m: keep(m[0]), text)  # inline HTML kept
    text = re.sub(
        r"<(https?://[^>\s]+)>", lambda m: keep(f'<a href="{html.escape(m[1])}">{html.escape(m[1])}</a>'), text
    )
    text = html.escape(text, quote=False)
    text = re.sub(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", r"<strong>\1</strong>", text, flags=re.DOTALL)
    text = re.sub(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])", r"<em>\1</em>", text, flags=re.DOTALL)
    text = re.sub(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])", r"<em>\1</em>", text, flags=re.DOTALL)
    while "\x00" in text:
        text = re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m[1])], text)
    return text


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def table_cells(line: str) -> list[str]:
    row = line.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)]


def starts_block(line: str, next_line: str) -> bool:
    return bool(
        FENCE.match(line)
        or HEADING.match(line)
        or RULE.match(line)
        or ITEM.match(line)
        or (line.lstrip().startswith("|") and TABLE_SEPARATOR.match(next_line))
    )


def blocks(lines: list[str], ids: dict[str, int], tight: bool = False) -> list[str]:
    """The HTML of a run of block-level Markdown lines (recursing into list items)."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if not line.strip():
            i += 1
        elif fence := FENCE.match(line):
            margin, marker = len(fence[1]), fence[2]
            language = line.strip()[len(marker) :].strip()
            code, i = [], i + 1
            while i < len(lines) and not lines[i].strip().startswith(marker):
                code.append(lines[i][margin:] if lines[i][:margin].strip() == "" else lines[i].lstrip())
                i += 1
            i += 1
            attribute = f' class="language-{html.escape(language)}"' if language else ""
            out.append(f"<pre><code{attribute}>{html.escape(chr(10).join(code))}</code></pre>")
        elif heading := HEADING.match(line):
            level, content = len(heading[1]), inline(heading[2])
            out.append(f'<h{level} id="{slug(content, ids)}">{content}</h{level}>')
            i += 1
        elif RULE.match(line):
            out.append("<hr>")
            i += 1
        elif line.lstrip().startswith("|") and TABLE_SEPARATOR.match(following):
            header = table_cells(line)
            rows, i = [], i + 2
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(table_cells(lines[i]))
                i += 1
            head = "".join(f"<th>{inline(cell)}</th>" for cell in header)
            body = "".join("<tr>" + "".join(f"<td>{inline(cell)}</td>" for cell in row) + "</tr>\n" for row in rows)
            out.append(f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>")
        elif item := ITEM.match(line):
            i = list_block(lines, i, item, ids, out)
        elif indent_of(line) >= 4 and not tight:
            code = []
            while i < len(lines) and (indent_of(lines[i]) >= 4 or not lines[i].strip()):
                code.append(lines[i][4:])
                i += 1
            out.append(f"<pre><code>{html.escape(chr(10).join(code).rstrip())}</code></pre>")
        else:
            paragraph = [line.strip()]
            i += 1
            while i < len(lines) and lines[i].strip():
                after = lines[i + 1] if i + 1 < len(lines) else ""
                if starts_block(lines[i], after):
                    break
                paragraph.append(lines[i].strip())
                i += 1
            text = inline("\n".join(paragraph))
            out.append(text if tight else f"<p>{text}</p>")
    return out


def list_block(lines: list[str], i: int, first: re.Match, ids: dict[str, int], out: list[str]) -> int:
    """Renders the list starting at line i into out; returns the index of the line after it."""
    margin = len(first[1])
    ordered = first[2][0].isdigit()
    items: list[list[str]] = []
    loose = False
    while i < len(lines):
        line = lines[i]
        item = ITEM.match(line)
        if item and len(item[1]) == margin and item[2][0].isdigit() == ordered:
            width = len(item[0])
            content = [line[width:]]
            i += 1
            while i < len(lines):
                current = lines[i]
                if not current.strip():
                    following = next((later for later in lines[i + 1 :] if later.strip()), "")
                    if indent_of(following) > margin:
                        loose = loose or not ITEM.match(following)
                        content.append("")
                        i += 1
                        continue
                    break
                if indent_of(current) <= margin and (ITEM.match(current) or starts_block(current, "")):
                    break
                content.append(current[width:] if current[:width].strip() == "" else current.strip())
                i += 1
            items.append(content)
            continue
        if not line.strip():
            following = next((later for later in lines[i + 1 :] if later.strip()), "")
            next_item = ITEM.match(following)
            if next_item and len(next_item[1]) == margin and next_item[2][0].isdigit() == ordered:
                i += 1
                continue
        break
    tag = "ol" if ordered else "ul"
    rendered = "".join(f"<li>{chr(10).join(blocks(content, ids, tight=not loose))}</li>\n" for content in items)
    out.append(f"<{tag}>\n{rendered}</{tag}>")
    return i


def to_html(markdown: str) -> str:
    """A whole HTML page from a Markdown page; its title is its first heading."""
    body = "\n".join(blocks(markdown.splitlines(), {}))
    title = re.search(r"<h1[^>]*>(.*?)</h1>", body)
    plain_title = re.sub(r"<[^>]+>", "", title[1]) if title else "Imagette"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{plain_title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def html_name(markdown_path: str) -> str:
    """Where the HTML page of a Markdown page lies: beside it, named as it with .html."""
    return markdown_path[:-3] + ".html" if markdown_path.endswith(".md") else markdown_path + ".html"


def write_guide(source: Path, target: Path) -> None:
    """Mirrors the guide of the plugin folder source (README.md, docs/ and below) into the folder target: an HTML
    page for each Markdown page, the other files (images) copied, so that relative links hold as in the zip.

    A file already there and newer than its source is kept, so a Help button opens at once after the first time and
    an edited page is written again. Each file is written beside its place and renamed into it: a browser reading the
    page never sees half of it.

    Raises:
        OSError: target cannot be written.
    """
    sources = [source / GUIDE_README, *sorted(path for path in (source / GUIDE_FOLDER).rglob("*") if path.is_file())]
    for path in sources:
        relative = path.relative_to(source).as_posix()
        is_page = path.suffix == ".md"
        written = target / (html_name(relative) if is_page else relative)
        if written.is_file() and written.stat().st_mtime >= path.stat().st_mtime:
            continue
        written.parent.mkdir(parents=True, exist_ok=True)
        partial = written.with_name(written.name + ".partial")
        if is_page:
            partial.write_text(to_html(path.read_text(encoding="utf-8")), encoding="utf-8")
        else:
            shutil.copyfile(path, partial)
        os.replace(partial, written)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as source:
        sys.stdout.write(to_html(source.read()))
