#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Replays, from inside a lab namespace, the genuine replies a previous run captured
(its --pcap-out evidence file): every TCP reply and ICMP echo reply a target sent to the
prober, sent again as they were. A later run under the same key must reject every one
(the MAC covers the absolute send tick; replies older than the run waits for are stale).
Lab addresses only (198.18.0.0/15).

usage: replay_replies.py EVIDENCE.pcap PROBER TARGET_PREFIX SECONDS
"""
import ipaddress
import socket
import struct
import sys
import time

LAB = ipaddress.ip_network("198.18.0.0/15")


def records(path):
    with open(path, "rb") as f:
        header = f.read(24)
        magic = struct.unpack("<I", header[:4])[0]
        if magic not in (0xA1B2C3D4, 0xA1B23C4D):
            sys.exit("replay: not a little-endian classic pcap: " + path)
        linktype = struct.unpack("<I", header[20:24])[0]
        if linktype not in (101, 228):
            sys.exit("replay: expected raw IPv4 records, link type %d" % linktype)
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            incl = struct.unpack("<IIII", rec)[2]
            yield f.read(incl)


def main():
    path, prober, prefix, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    net = ipaddress.ip_network(prefix)
    if ipaddress.ip_address(prober) not in LAB or not net.subnet_of(LAB):
        sys.exit("refusing non-lab addresses")
    replies = []
    for packet in records(path):
        if len(packet) < 20 or packet[0] >> 4 != 4:
            continue
        src, dst = socket.inet_ntoa(packet[12:16]), socket.inet_ntoa(packet[16:20])
        proto = packet[9]
        ihl = (packet[0] & 0xF) * 4
        from_target = ipaddress.ip_address(src) in net and dst == prober
        echo_reply = proto == 1 and len(packet) > ihl and packet[ihl] == 0
        if from_target and (proto == 6 or echo_reply):
            replies.append(packet)
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for packet in replies:
        sock.sendto(packet, (prober, 0))
        time.sleep(seconds / max(len(replies), 1))
    print(len(replies))


if __name__ == "__main__":
    main()
