// SPDX-License-Identifier: Apache-2.0
// The BPF expression the live capture runs: it passes only packets that can be replies
// to our probes, for each source address the run sends from (one per IP family).
#ifndef CUTPOINT_CAPTURE_REPLY_FILTER_H_
#define CUTPOINT_CAPTURE_REPLY_FILTER_H_

#include <string>

#include "capture/send/family_addresses.h"

namespace cutpoint::capture {

// IPv4 to `sources.v4`: ICMP other than echo requests, and TCP to the codec's keyed flow
// ports with SYN or RST set.
//
// IPv6 to `sources.v6`: everything but what is provably no reply. libpcap's `icmp6`,
// `tcp` and `ip6 proto` test only the fixed header's next-header field, and `tcp[...]` /
// `icmp6[...]` do not follow extension headers either, so a reply behind a hop-by-hop,
// routing, destination-options or fragment header would be lost by any protocol test.
// The filter therefore only refuses packets whose next header is directly ICMPv6 (echo
// requests and neighbour discovery, types 128 and 133-137) or TCP (to a port below the
// flow ports, or with neither SYN nor RST); anything else to our address, extension
// headers included, goes to the matcher, which walks the chain and counts strays as
// unmatched.
//
// Both families: the two joined by `or`. No address at all: a filter that passes nothing.
std::string ReplyCaptureFilter(const FamilyAddresses& sources);

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_REPLY_FILTER_H_
