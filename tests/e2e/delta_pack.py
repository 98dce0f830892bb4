#!/usr/bin/env python3
"""A pack whose last object is a delta that expands a small blob a great deal
(tests and tests/bench/hostile.sh build hostile packs with it; nothing is
checked in). The base is BASE_KIB KiB of text; the delta copies the whole
base again and again until its result is RESULT_KIB KiB: a few kB of delta
for any result size, a valid delta that git would resolve whole.

  delta_pack.py oid RESULT_KIB [BASE_KIB]
      prints the result blob's id (the blob a tree may name), the SHA-256 of
      its content, and the base blob's id
  delta_pack.py pack OUT RESULT_KIB BASE_KIB [--idx OUT.idx] [--bundle PREREQ TIP]
                [OBJECT...]
      writes the pack: each OBJECT (read with git cat-file in the current
      repository), then the base blob, then the delta on it (OFS_DELTA);
      --idx also writes its version 2 index (so the pack may sit in
      objects/pack/ without git resolving it), --bundle writes a v2 bundle of
      refs/heads/main = TIP needing PREREQ instead of a bare pack
"""
import hashlib
import struct
import subprocess
import sys
import zlib

COPY_MAX = 0x10000  # a copy op with no size bytes copies 64 KiB
TYPES = {"commit": 1, "tree": 2, "blob": 3, "tag": 4}


def base_bytes(kib):
    line = b"itaku delta base: the same line again and again\n"
    n = kib << 10
    return (line * (n // len(line) + 1))[:n]


def result_oid(result, base, sha256=None):
    size = result << 10
    h = hashlib.sha1(b"blob %d\0" % size)
    left = size
    while left:
        n = min(left, len(base))
        h.update(base[:n])
        if sha256:
            sha256.update(base[:n])
        left -= n
    return h.hexdigest()


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def delta(result, base):
    size = result << 10
    out = bytearray(varint(len(base)) + varint(size))
    left = size
    while left:
        n = min(left, len(base), COPY_MAX)
        op, args = 0x80, bytearray()
        # offset 0 (no offset bytes); size bytes unless it is exactly 64 KiB
        if n != COPY_MAX:
            for i in range(3):
                if (n >> (8 * i)) & 0xFF:
                    op |= 0x10 << i
                    args.append((n >> (8 * i)) & 0xFF)
        out.append(op)
        out += args
        left -= n
    return bytes(out)


def obj_header(t, n):
    b = [(t << 4) | (n & 15)]
    n >>= 4
    while n:
        b[-1] |= 0x80
        b.append(n & 0x7F)
        n >>= 7
    return bytes(b)


def ofs_bytes(ofs):
    out = [ofs & 0x7F]
    ofs >>= 7
    while ofs:
        ofs -= 1
        out.insert(0, 0x80 | (ofs & 0x7F))
        ofs >>= 7
    return bytes(out)


def main():
    if sys.argv[1] == "oid":
        result = int(sys.argv[2])
        base = base_bytes(int(sys.argv[3]) if len(sys.argv) > 3 else 64)
        content = hashlib.sha256()
        print(result_oid(result, base, content))
        print(content.hexdigest())
        print(hashlib.sha1(b"blob %d\0" % len(base) + base).hexdigest())
        return
    out, result, base_kib = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    args = sys.argv[5:]
    idx = bundle = None
    if args[:1] == ["--idx"]:
        idx, args = args[1], args[2:]
    if args[:1] == ["--bundle"]:
        bundle, args = args[1:3], args[3:]
    base = base_bytes(base_kib)
    entries = []  # (oid, offset, packed bytes)
    body = bytearray()
    for o in args:
        t = subprocess.run(["git", "cat-file", "-t", o], capture_output=True, text=True,
                           check=True).stdout.strip()
        data = subprocess.run(["git", "cat-file", t, o], capture_output=True, check=True).stdout
        entries.append((o, 12 + len(body), obj_header(TYPES[t], len(data)) + zlib.compress(data)))
        body += entries[-1][2]
    base_oid = hashlib.sha1(b"blob %d\0" % len(base) + base).hexdigest()
    base_at = 12 + len(body)
    entries.append((base_oid, base_at, obj_header(3, len(base)) + zlib.compress(base)))
    body += entries[-1][2]
    d = delta(result, base)
    at = 12 + len(body)
    entries.append((result_oid(result, base), at,
                    obj_header(6, len(d)) + ofs_bytes(at - base_at) + zlib.compress(d)))
    body += entries[-1][2]
    pack = b"PACK" + struct.pack(">II", 2, len(entries)) + bytes(body)
    pack += hashlib.sha1(pack).digest()
    if bundle:
        prereq, tip = bundle
        head = b"# v2 git bundle\n-%s\n%s refs/heads/main\n\n" % (prereq.encode(), tip.encode())
        open(out, "wb").write(head + pack)
    else:
        open(out, "wb").write(pack)
    if idx:
        entries.sort(key=lambda e: e[0])
        fan = [0] * 256
        for e in entries:
            fan[int(e[0][:2], 16)] += 1
        for i in range(1, 256):
            fan[i] += fan[i - 1]
        x = b"\377tOc" + struct.pack(">I", 2) + struct.pack(">256I", *fan)
        x += b"".join(bytes.fromhex(e[0]) for e in entries)
        x += b"".join(struct.pack(">I", zlib.crc32(e[2]) & 0xFFFFFFFF) for e in entries)
        x += b"".join(struct.pack(">I", e[1]) for e in entries)
        x += pack[-20:]
        x += hashlib.sha1(x).digest()
        open(idx, "wb").write(x)
    print(pack[-20:].hex())


if __name__ == "__main__":
    main()
