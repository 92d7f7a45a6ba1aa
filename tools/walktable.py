#!/usr/bin/env python3
"""walktable.py: prints an `snmpwalk -On -OQ` (or snmpbulkwalk, snmpget) capture the way snmptable
does, with the object names `ipmibd --objects` lists, where no MIB files name them.

  ipmibd --objects >objects.txt
  snmpbulkwalk -v2c -c public -On -OQ HOST 1.3.6.1.2.1.4.24.7 | tools/walktable.py --objects objects.txt

Each table: "SNMP table: NAME", then one row per index and one column per object, under a header
of the column names (snmptable -Ci: the first column is the row's index, numeric and
left-aligned, since index objects are mostly not-accessible). Scalars print as "name.0 = value"; anything the list does not
name prints as it came. OID values below a listed object are named too. Options:
  --objects FILE  the listing (required): "OID NAME KIND ACCESS" lines (ipmibd(8), --objects)
  --brief         drop the column names' common prefix (snmptable -Cb)
  --width N       split a table wider than N characters into several, each with the index (-Cw)
  --require-names exit 1 (after printing) when a varbind is no instance of a listed column or
                  scalar (an object the list misses, an error such as "No Such Object"); the
                  first five such OIDs are named on standard error
Reads the files named (or standard input). Exit status 0, 1 (--require-names), or 2 on a usage
or input error."""

import argparse
import re
import sys

VARBIND = re.compile(r"^(\.?\d+(?:\.\d+)*) = (.*)$")
OID_VALUE = re.compile(r"^\.?\d+(?:\.\d+)+$")


def parse_oid(text):
    return tuple(int(x) for x in text.lstrip(".").split("."))


def load_objects(path):
    """{oid: (name, kind)} from `ipmibd --objects` output."""
    objects = {}
    with open(path) as f:
        for number, line in enumerate(f, 1):
            fields = line.split()
            if not fields or fields[0].startswith("#"):
                continue
            if len(fields) < 3 or not OID_VALUE.match(fields[0]):
                raise ValueError(f"{path}:{number}: not an 'OID NAME KIND ...' line: {line.rstrip()}")
            objects[parse_oid(fields[0])] = (fields[1], fields[2])
    return objects


def read_varbinds(lines):
    """[(oid, value)] from -On -OQ output; a line that is no varbind continues the previous value
    (a string with a newline in it)."""
    varbinds = []
    for line in lines:
        line = line.rstrip("\n")
        m = VARBIND.match(line)
        if m:
            varbinds.append((parse_oid(m.group(1)), m.group(2)))
        elif varbinds:
            oid, value = varbinds[-1]
            varbinds[-1] = (oid, value + "\n" + line)
        elif line.strip():
            raise ValueError(f"not an 'OID = value' line (snmpwalk -On -OQ): {line}")
    return varbinds


class Names:
    def __init__(self, objects):
        self.objects = objects
        self.lengths = sorted({len(oid) for oid in objects}, reverse=True)

    def owner(self, oid):
        """(object OID, name, kind) of the longest listed prefix of `oid`, or None."""
        for n in self.lengths:
            if n <= len(oid) and oid[:n] in self.objects:
                name, kind = self.objects[oid[:n]]
                return oid[:n], name, kind
        return None

    def label(self, oid):
        """NAME.suffix for an OID at or below a listed object, else the OID as snmpwalk -On prints it."""
        found = self.owner(oid)
        if not found:
            return "." + ".".join(map(str, oid))
        base, name, _ = found
        return ".".join([name] + [str(x) for x in oid[len(base):]])

    def value(self, value):
        return self.label(parse_oid(value)) if OID_VALUE.match(value) and value.startswith(".") else value


def cell(value):
    """A table cell: a quoted string without its quotes (and a hex string without its trailing
    blank), as snmptable prints them; an empty string stays visible as ""."""
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        inner = value[1:-1].replace('\\"', '"').rstrip()
        return inner if inner else '""'
    return value


def brief(names):
    """snmptable -Cb: the column names without their common prefix, cut back to a word boundary
    (an upper-case letter or a digit starts every remainder)."""
    if len(names) < 2:
        return names
    prefix = names[0]
    for name in names[1:]:
        while not name.startswith(prefix):
            prefix = prefix[:-1]
    while prefix and not all(len(n) > len(prefix) and (n[len(prefix)].isupper() or n[len(prefix)].isdigit())
                             for n in names):
        prefix = prefix[:-1]
    return [n[len(prefix):] for n in names]


def render_table(name, columns, rows, options):
    """columns: [(column id, name)], rows: {index tuple: {column id: value}}."""
    out = [f"SNMP table: {name}", ""]
    if not rows:
        return out + [f"{name}: No entries"]
    headers = [n for _, n in columns]
    if options.brief:
        headers = brief(headers)
    indexes = sorted(rows)
    index_cells = [".".join(map(str, index)) for index in indexes]
    data = [[cell(rows[index].get(cid, "?")).replace("\n", " ") for cid, _ in columns] for index in indexes]
    index_width = max(len("index"), *(len(c) for c in index_cells))
    widths = [max(len(h), *(len(r[i]) for r in data)) for i, h in enumerate(headers)]
    # Column groups that fit the width (each repeats the index); one group when unlimited.
    groups, current, used = [], [], index_width
    for i, w in enumerate(widths):
        if current and options.width and used + 1 + w > options.width:
            groups.append(current)
            current, used = [], index_width
        current.append(i)
        used += 1 + w
    groups.append(current)
    for g, group in enumerate(groups):
        if g:
            out.append("")
        # The index left-aligned (its sub-identifiers read from the left), values right-aligned.
        out.append(" ".join(["index".ljust(index_width)] + [headers[i].rjust(widths[i]) for i in group]))
        for index_cell, row in zip(index_cells, data):
            out.append(" ".join([index_cell.ljust(index_width)] + [row[i].rjust(widths[i]) for i in group]))
    return out


def group(varbinds, names):
    """Tables (at the place of their first varbind), scalars and other varbinds, in order."""
    items = []   # ("table", entry OID) or ("line", text), in order of appearance
    unnamed = []  # OIDs that are no instance of a listed column or scalar
    tables = {}  # entry OID -> {"name", "columns": {id: name}, "rows": {index: {id: value}}}
    for oid, value in varbinds:
        found = names.owner(oid)
        if found and found[2] == "column" and len(oid) > len(found[0]):
            column_oid, column_name, _ = found
            entry = column_oid[:-1]
            if entry not in tables:
                table_name = names.objects.get(entry[:-1], (None,))[0] or names.label(entry[:-1])
                tables[entry] = {"name": table_name, "columns": {}, "rows": {}}
                items.append(("table", entry))
            table = tables[entry]
            table["columns"][column_oid[-1]] = column_name
            table["rows"].setdefault(oid[len(column_oid):], {})[column_oid[-1]] = names.value(value)
        else:
            if not (found and found[2] == "scalar" and oid[len(found[0]):] == (0,)):
                unnamed.append(oid)
            items.append(("line", f"{names.label(oid)} = {names.value(value)}"))
    return items, tables, unnamed


def lines_of(items, tables, options):
    out = []
    for kind, what in items:
        if kind == "line":
            out.append(what)
            continue
        table = tables[what]
        if out and out[-1]:
            out.append("")
        out += render_table(table["name"], sorted(table["columns"].items()), table["rows"], options)
        out.append("")
    while out and not out[-1]:
        out.pop()
    return out


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objects", required=True, help="`ipmibd --objects` output")
    parser.add_argument("--brief", action="store_true", help="drop the column names' common prefix")
    parser.add_argument("--width", type=int, default=0, help="split tables wider than this")
    parser.add_argument("--require-names", action="store_true",
                        help="exit 1 when a varbind is no instance of a listed column or scalar")
    parser.add_argument("walks", nargs="*", help="snmpwalk -On -OQ output (default: standard input)")
    options = parser.parse_args(argv)
    try:
        names = Names(load_objects(options.objects))
        lines = []
        if options.walks:
            for path in options.walks:
                with open(path) as f:
                    lines += f.readlines()
        else:
            lines = sys.stdin.readlines()
        varbinds = read_varbinds(lines)
    except (OSError, ValueError) as e:
        print(f"walktable.py: {e}", file=sys.stderr)
        return 2
    items, tables, unnamed = group(varbinds, names)
    for line in lines_of(items, tables, options):
        print(line)
    if options.require_names and unnamed:
        for oid in unnamed[:5]:
            print("walktable.py: not a listed column or scalar instance: ." + ".".join(map(str, oid)),
                  file=sys.stderr)
        if len(unnamed) > 5:
            print(f"walktable.py: ... and {len(unnamed) - 5} more", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
