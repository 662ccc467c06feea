#!/usr/bin/env python3
"""Counts the public API as rustdoc documents it: item pages (modules, types, functions,
constants, traits) and the inherent methods of public types. Hidden items (`#[doc(hidden)]`,
the `internals` module) have no page and do not count.

    cargo doc --no-deps && python3 scripts/api_count.py target/doc/neardup
"""
import os, re, sys
root = sys.argv[1]
kinds = {}
methods = 0
for d, _, fs in os.walk(root):
    for f in fs:
        m = re.match(r'(struct|enum|fn|const|static|trait|type|macro|mod|constant)\.', f)
        if not m and f != 'index.html':
            continue
        kind = 'mod' if f == 'index.html' else m.group(1)
        p = os.path.join(d, f)
        s = open(p, errors='ignore').read()
        if 'http-equiv="refresh"' in s[:600]:
            continue  # redirect pages
        kinds[kind] = kinds.get(kind, 0) + 1
        if kind in ('struct', 'enum'):
            i = s.find('id="implementations-list"')
            j = s.find('id="trait-implementations', i if i >= 0 else 0)
            if i >= 0:
                methods += len(re.findall(r'id="method\.', s[i:j if j > i else len(s)]))
print(kinds, 'items:', sum(kinds.values()), 'inherent methods:', methods)
