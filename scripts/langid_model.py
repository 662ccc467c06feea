#!/usr/bin/env python3
"""Converts the language identification model of langid.py (Lui and Baldwin 2012, "langid.py:
An Off-the-shelf Language Identification Tool", ACL 2012 demos; BSD licence) into the file
`neardup dedup --cross-lingual` reads (src/crosslingual/identify.rs). Standard library only.

The model, as the package `langid` on PyPI ships it inside langid/langid.py: a naive Bayes
classifier over 7,480 byte n-gram features in 97 languages, and the automaton (one state per
prefix of a feature, 256 transitions a state) that counts the features in one pass over a
text's bytes.

Usage: langid_model.py LANGID_SDIST.tar.gz OUT.bin

Output, little-endian: the magic b"NDLID\\0\\0\\x01"; u32 classes C, features F, states S,
distinct transition rows R and outputs O; C class codes of 8 bytes (ASCII, zero-padded); C f32
log priors; F x C f32 log probabilities, feature by feature; S u16 row numbers, one per state;
R x 256 u16 transitions (a row per distinct set of a state's transitions: 2,494 rows for 9,118
states, 1.3 MB where the full table takes 4.7); S + 1 u32 offsets into the outputs; O u16
feature ids (the features that end in each state).
"""
import array
import base64
import bz2
import io
import os
import pickle
import re
import struct
import sys
import tarfile


class ArraysOnly(pickle.Unpickler):
    """Unpickles the model's arrays, tuples, lists and dicts, and nothing that runs code."""

    def find_class(self, module, name):
        if (module, name) == ("array", "_array_reconstructor") or (module, name) == ("array", "array"):
            return getattr(array, name)
        raise pickle.UnpicklingError(f"unexpected {module}.{name} in the model")


def main():
    sdist, out = sys.argv[1], sys.argv[2]
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("langid/langid.py"))
        source = tar.extractfile(member).read().decode("utf-8")
    encoded = re.search(r'model\s*=\s*b?"""(.*?)"""', source, re.S).group(1)
    raw = bz2.decompress(base64.b64decode(encoded))
    ptc, pc, classes, nextmove, output = ArraysOnly(io.BytesIO(raw)).load()
    c, states = len(pc), len(nextmove) // 256
    f = len(ptc) // c
    assert len(ptc) == f * c and len(nextmove) == states * 256
    assert states < 1 << 16 and f < 1 << 16, "states or features beyond 16 bits"
    rows, row_of = {}, []
    for s in range(states):
        row_of.append(rows.setdefault(tuple(nextmove[s * 256:(s + 1) * 256]), len(rows)))
    assert len(rows) < 1 << 16
    offsets, ids = [0], []
    for s in range(states):
        ids.extend(output.get(s, ()))
        offsets.append(len(ids))
    buf = bytearray(b"NDLID\0\0\x01")
    buf += struct.pack("<5I", c, f, states, len(rows), len(ids))
    for code in classes:
        b = code.encode("ascii")
        assert len(b) <= 8
        buf += b.ljust(8, b"\0")
    buf += struct.pack(f"<{c}f", *pc)
    buf += struct.pack(f"<{f * c}f", *ptc)
    buf += struct.pack(f"<{states}H", *row_of)
    for row in rows:  # in order of first appearance (dicts keep it)
        buf += struct.pack("<256H", *row)
    buf += struct.pack(f"<{states + 1}I", *offsets)
    buf += struct.pack(f"<{len(ids)}H", *ids)
    with open(out + ".tmp", "wb") as o:
        o.write(buf)
    os.replace(out + ".tmp", out)
    print(f"langid model: {c} languages, {f} features, {states} states -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
