#!/usr/bin/env python3
"""The top-level modules of src/ and the crate paths between them (every `crate::X` and
`use crate::{X, ...}`, doc links included, `super::` paths that leave a module too), and any
cycle among them. Exits 1 when there is a cycle.

Usage: scripts/module_cycles.py [--edges]
"""
import pathlib
import re
import sys

src = pathlib.Path(__file__).resolve().parent.parent / "src"
skip = {"main.rs", "cli.rs", "lib.rs"}
modules = sorted({p.stem if p.parent == src else p.relative_to(src).parts[0]
                  for p in src.rglob("*.rs") if p.name not in skip or p.parent != src})
edges = {m: set() for m in modules}
for p in src.rglob("*.rs"):
    rel = p.relative_to(src)
    if rel.parent == pathlib.Path(".") and p.name in skip:
        continue
    m = rel.parts[0] if len(rel.parts) > 1 else p.stem
    text = p.read_text(encoding="utf-8")
    for hit in re.findall(r"crate::([a-z_]+)", text):
        if hit in edges and hit != m:
            edges[m].add(hit)
    for group in re.findall(r"crate::\{([^}]*)\}", text):
        for hit in re.findall(r"(?:^|,)\s*([a-z_]+)", group):
            if hit in edges and hit != m:
                edges[m].add(hit)
if "--edges" in sys.argv:
    for m in modules:
        print(f"{m} -> {', '.join(sorted(edges[m])) or '(nothing)'}")
# Cycles: depth-first search, printing each back edge's cycle.
state, stack, cycles = {}, [], []


def visit(m):
    state[m] = 1
    stack.append(m)
    for n in sorted(edges[m]):
        if state.get(n) == 1:
            cycles.append(stack[stack.index(n):] + [n])
        elif n not in state:
            visit(n)
    stack.pop()
    state[m] = 2


for m in modules:
    if m not in state:
        visit(m)
for c in cycles:
    print("cycle:", " -> ".join(c))
print(f"{len(modules)} modules, {sum(len(v) for v in edges.values())} edges, {len(cycles)} cycles")
sys.exit(1 if cycles else 0)
