#!/usr/bin/env python3
"""Probe format 3 golden values, computed from the format as documented in
engine/probe/probe_codec.h with Python's hashlib and the `openssl enc -aes-128-ecb` CLI:
an implementation independent of the C++ code (probe_codec_test.cc pins its output)."""
import hashlib
import subprocess

KEY = bytes(range(16))                # testing_probe::FixedKey()
TARGET = (185 << 24) | (70 << 16) | (40 << 8) | 101
SEND_US = 1700000000123456


def aes(key, block):
    out = subprocess.run(["openssl", "enc", "-aes-128-ecb", "-nopad", "-K", key.hex()],
                         input=block, capture_output=True, check=True).stdout
    return out


def le(value, n):
    return (value % (1 << (8 * n))).to_bytes(n, "little")


d = hashlib.blake2b(b"cutpoint probe subkeys v3", key=KEY, digest_size=32).digest()
kf, km = d[:16], d[16:]


def flow(target, ptype, port):
    f = aes(kf, le(target | port << 32 | ptype << 48 | 1 << 56, 8) + le(0, 8))
    lo, hi = int.from_bytes(f[:8], "little"), int.from_bytes(f[8:], "little")
    sport = 1024 + (((lo & 0xffffffff) * 64512) >> 32)
    return f, sport, (lo >> 32) & 0xffff, lo >> 48, hi & 0xffffffff


def word(target, ptype, port, ttl, attempt, tick):
    f, _, _, _, pad = flow(target, ptype, port)
    x = le(tick, 8) + le(ttl | attempt << 8, 8)
    m = aes(km, bytes(a ^ b for a, b in zip(f, x)))
    mac = int.from_bytes(m[:8], "little") & 0xfff
    fields = ttl << 24 | attempt << 22 | (tick & 0x3ff) << 12 | mac
    return fields ^ pad


tick = SEND_US >> 12
print("subkeys", kf.hex(), km.hex())
print("send tick", tick, "low10", tick & 0x3ff)
_, sport, _, _, pad = flow(TARGET, 0, 443)
print("tcp 443: sport %d (0x%04x) pad 0x%08x" % (sport, sport, pad))
_, _, icmp_id, icmp_sum, pad = flow(TARGET, 1, 0)
print("icmp: id 0x%04x checksum 0x%04x pad 0x%08x" % (icmp_id, icmp_sum, pad))
print("word tcp 443 ttl 7 attempt 1: 0x%08x" % word(TARGET, 0, 443, 7, 1, tick))
print("word icmp ttl 7 attempt 1: 0x%08x" % word(TARGET, 1, 0, 7, 1, tick))
print("word tcp 443 ttl 7 attempt 1, tick - 1024: 0x%08x" % word(TARGET, 0, 443, 7, 1, tick - 1024))
