#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Sprays forged replies at the prober from inside a lab namespace: SYN-ACKs and RSTs in
targets' names to random ports in the keyed range (1024-65535) with random acks, from the
planned ports 25 and 443 and, for a quarter of the SYN-ACKs, from ports outside the plan
(80, 8080: they fail the keyed port check like the others); ICMP time exceeded from a router (the sprayer's own address: a router drops
packets forged with its own address as source) quoting TCP SYNs "from" the prober with
random ports and sequence numbers; and echo replies with random identifiers. None carries a
valid probe identity, so a scan must count every one as rejected. Lab addresses only
(198.18.0.0/15).

usage: spray_forged.py PROBER TARGET_PREFIX_BASE ROUTER COUNT SECONDS
"""
import ipaddress
import random
import socket
import struct
import sys
import time

LAB = ipaddress.ip_network("198.18.0.0/15")


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ipv4(src, dst, proto, payload, ttl=60):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), random.randint(1, 65535),
                         0, ttl, proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + payload


def tcp(src, dst, sport, dport, seq, ack, flags):
    segment = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 1024, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(segment))
    return segment[:16] + struct.pack("!H", checksum(pseudo + segment)) + segment[18:]


def icmp(type_, code, rest, body):
    message = struct.pack("!BBH4s", type_, code, 0, rest) + body
    return message[:2] + struct.pack("!H", checksum(message)) + message[4:]


def main():
    prober, base, router, count, seconds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    for address in (prober, base, router):
        if ipaddress.ip_address(address) not in LAB:
            sys.exit("refusing non-lab address " + address)
    base_int = int(ipaddress.ip_address(base))
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    rng = random.Random(1234)
    for i in range(count):
        target = str(ipaddress.ip_address(base_int + rng.randrange(256)))
        kind = i % 4
        if kind == 0:
            port = rng.choice([25, 443, 80, 8080, 25, 443, 25, 443])
            packet = ipv4(target, prober, 6, tcp(target, prober, port, rng.randint(1024, 65535),
                                                 rng.getrandbits(32), rng.getrandbits(32), 0x12))
        elif kind == 1:
            packet = ipv4(target, prober, 6, tcp(target, prober, rng.choice([25, 443]),
                                                 rng.randint(1024, 65535), 0, rng.getrandbits(32), 0x14))
        elif kind == 2:
            quoted = ipv4(prober, target, 6, tcp(prober, target, rng.randint(1024, 65535), 25,
                                                 rng.getrandbits(32), 0, 0x02), ttl=1)
            packet = ipv4(router, prober, 1, icmp(11, 0, b"\0\0\0\0", quoted[:28]))
        else:
            packet = ipv4(target, prober, 1, icmp(0, 0, struct.pack("!HH", rng.getrandbits(16), rng.getrandbits(16)),
                                                  rng.randbytes(8)))
        sock.sendto(packet, (prober, 0))
        time.sleep(seconds / count)
    print(count)


if __name__ == "__main__":
    main()
