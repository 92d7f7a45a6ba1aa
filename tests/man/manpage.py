"""Reads hand-written man(7) pages for the tests: sections, .TP tags and .EX blocks as plain text."""
import re

_FONT = re.compile(r"\\f(\[[^\]]*\]|\(..|.)")


def plain(text):
    """Roff text without font changes and escapes, as a reader sees it."""
    text = _FONT.sub("", text)
    for escape, char in (("\\-", "-"), ("\\(ti", "~"), ("\\(dq", '"'), ("\\(em", "--"), ("\\&", ""),
                         ("\\e", "\\"), ("\\c", "")):
        text = text.replace(escape, char)
    return text


def macro_text(line):
    """A text or font-macro line (.B, .BI, .BR ...) as plain words, quotes dropped."""
    if line.startswith("."):
        parts = line.split(None, 1)
        line = parts[1] if len(parts) > 1 else ""
    return plain(line).replace('"', "")


def lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


def section(path, name):
    """The lines of section NAME (.SH NAME up to the next .SH)."""
    out, inside = [], False
    for line in lines(path):
        if line.startswith(".SH"):
            inside = line[3:].strip().strip('"') == name
            continue
        if inside:
            out.append(line)
    if not out:
        raise SystemExit(f"FAIL: {path} has no section {name}")
    return out


def tags(section_lines):
    """The tag line of every .TP entry, as plain words."""
    return [macro_text(section_lines[i + 1]) for i, line in enumerate(section_lines)
            if line == ".TP" and i + 1 < len(section_lines)]


def examples(path):
    """(kind, [lines]) for every .EX block; kind from the `.\\" example: KIND` line just before it."""
    text = lines(path)
    out = []
    for i, line in enumerate(text):
        if line != ".EX":
            continue
        marker = re.match(r'^\.\\" example: (\S+)$', text[i - 1]) if i > 0 else None
        end = text.index(".EE", i)
        out.append((marker.group(1) if marker else None, i + 1, [plain(l) for l in text[i + 1:end]]))
    return out
