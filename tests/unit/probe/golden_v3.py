#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Probe format 3 golden values, computed from the format as documented in
engine/probe/probe_codec.h (and, for the IPv6 probe bytes, engine/probe/probe_layout.h)
with Python's hashlib and the `openssl enc -aes-128-ecb` CLI: an implementation
independent of the C++ code (probe_codec_test.cc and probe_builder_v6_test.cc pin its
output)."""
import hashlib
import ipaddress
import struct
import subprocess

KEY = bytes(range(16))                # testing_probe::FixedKey()
TARGET = (185 << 24) | (70 << 16) | (40 << 8) | 101
SEND_US = 1700000000123456
SOURCE6 = int(ipaddress.IPv6Address("2001:db8::1"))     # testing_probe::kSource6
TARGET6 = int(ipaddress.IPv6Address("2001:2:0:7::65"))  # testing_probe::kTarget6


def aes(key, block):
    out = subprocess.run(["openssl", "enc", "-aes-128-ecb", "-nopad", "-K", key.hex()],
                         input=block, capture_output=True, check=True).stdout
    return out


def le(value, n):
    return (value % (1 << (8 * n))).to_bytes(n, "little")


d = hashlib.blake2b(b"cutpoint probe subkeys v3", key=KEY, digest_size=32).digest()
kf, km = d[:16], d[16:]


def flow_block(target, ptype, port, v6):
    if not v6:
        return aes(kf, le(target | port << 32 | ptype << 48 | 1 << 56, 8) + le(0, 8))
    a = aes(kf, le(target, 8) + le(target >> 64, 8))   # lo = low 64 bits, hi = high 64
    a_lo = int.from_bytes(a[:8], "little")
    return aes(kf, le(a_lo ^ (port | ptype << 16 | 6 << 56), 8) + a[8:])


def flow(target, ptype, port, v6=False):
    f = flow_block(target, ptype, port, v6)
    lo, hi = int.from_bytes(f[:8], "little"), int.from_bytes(f[8:], "little")
    sport = 1024 + (((lo & 0xffffffff) * 64512) >> 32)
    return f, sport, (lo >> 32) & 0xffff, lo >> 48, hi & 0xffffffff


def flow_label(target, ptype, port):
    f = flow_block(target, ptype, port, True)
    label = (int.from_bytes(f[8:], "little") >> 32) & 0xfffff
    return label if label else 1


def word(target, ptype, port, ttl, attempt, tick, v6=False):
    f, _, _, _, pad = flow(target, ptype, port, v6)
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


# IPv6 (probe_codec.h: A then F; flow label; probe_layout.h: the probe bytes).
def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return total


def ipv6_header(label, payload_len, next_header, hop_limit):
    return (struct.pack("!IHBB", 6 << 28 | label, payload_len, next_header, hop_limit)
            + SOURCE6.to_bytes(16, "big") + TARGET6.to_bytes(16, "big"))


def pseudo(length, next_header):
    return SOURCE6.to_bytes(16, "big") + TARGET6.to_bytes(16, "big") + struct.pack(
        "!IxxxB", length, next_header)


def syn6(port, ttl, attempt, send_us):
    _, sport, _, _, _ = flow(TARGET6, 0, port, True)
    seq = word(TARGET6, 0, port, ttl, attempt, send_us >> 12, True)
    options = struct.pack("!BBHBBBBII", 2, 4, 1440, 1, 1, 8, 10, send_us & 0xffffffff, 0)
    tcp = struct.pack("!HHIIBBHHH", sport, port, seq, 0, 9 << 4, 0x02, 65535, 0, 0) + options
    checksum = 0xffff & ~csum(pseudo(len(tcp), 6) + tcp)
    tcp = tcp[:16] + struct.pack("!H", checksum) + tcp[18:]
    return ipv6_header(flow_label(TARGET6, 0, port), len(tcp), 6, ttl) + tcp


def echo6(ttl, attempt, send_us):
    _, _, icmp_id, icmp_sum, _ = flow(TARGET6, 1, 0, True)
    w = word(TARGET6, 1, 0, ttl, attempt, send_us >> 12, True)
    body = struct.pack("!BBHHHIH", 128, 0, icmp_sum, icmp_id, w >> 16, w, send_us & 0xffff)
    compensation = 0xffff & ~csum(pseudo(16, 58) + body + b"\0\0")
    message = body + struct.pack("!H", compensation)
    assert csum(pseudo(16, 58) + message) == 0xffff
    return ipv6_header(flow_label(TARGET6, 1, 0), len(message), 58, ttl) + message


_, sport, _, _, pad = flow(TARGET6, 0, 443, True)
print("v6 tcp 443: sport %d (0x%04x) pad 0x%08x label 0x%05x" % (
    sport, sport, pad, flow_label(TARGET6, 0, 443)))
_, _, icmp_id, icmp_sum, pad = flow(TARGET6, 1, 0, True)
print("v6 icmp: id 0x%04x checksum 0x%04x pad 0x%08x label 0x%05x" % (
    icmp_id, icmp_sum, pad, flow_label(TARGET6, 1, 0)))
print("v6 word tcp 443 ttl 7 attempt 1: 0x%08x" % word(TARGET6, 0, 443, 7, 1, tick, True))
print("v6 word icmp ttl 7 attempt 1: 0x%08x" % word(TARGET6, 1, 0, 7, 1, tick, True))
print("v6 syn 443 ttl 7 attempt 1:", syn6(443, 7, 1, SEND_US).hex())
print("v6 echo ttl 7 attempt 1:", echo6(7, 1, SEND_US).hex())
