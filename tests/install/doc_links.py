#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks every relative link in the Markdown files under ROOT resolves to a file
or directory under ROOT (links to other sites and in-page anchors are not checked).
Prints each broken link with its file and line; exit 1 if there is any.
Usage: doc_links.py ROOT"""
import pathlib
import re
import sys

# [text](target) and [text](target "title"); images too. Code spans are skipped.
LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
CODE_SPAN = re.compile(r"`[^`]*`")


def links(path):
    fenced = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced or line.startswith("    "):
            continue
        for match in LINK.finditer(CODE_SPAN.sub("", line)):
            yield number, match.group(1)


def broken_links(root):
    root = root.resolve()
    for md in sorted(root.rglob("*.md")):
        for number, target in links(md):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
                continue
            file_part = target.split("#", 1)[0]
            resolved = (md.parent / file_part).resolve()
            if not resolved.is_relative_to(root) or not resolved.exists():
                yield f"{md.relative_to(root)}:{number}: {target}"


def main():
    if len(sys.argv) != 2 or not pathlib.Path(sys.argv[1]).is_dir():
        sys.exit(__doc__)
    root = pathlib.Path(sys.argv[1])
    found = list(broken_links(root))
    for problem in found:
        print(f"broken link: {problem}")
    count = sum(1 for _ in root.rglob("*.md"))
    if found:
        print(f"{len(found)} broken link(s) in {count} Markdown file(s) under {root}")
        sys.exit(1)
    print(f"every relative link resolves in {count} Markdown file(s) under {root}")


if __name__ == "__main__":
    main()
