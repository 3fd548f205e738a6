// SPDX-License-Identifier: Apache-2.0
// Helper for tests/lab/tx_backends_test.sh: sends one fixed set of probes (fixed key,
// fixed send time, so the bytes are reproducible) through a chosen TX backend, and
// captures them elsewhere in the lab. Meant to run only inside lab namespaces. The
// family of SOURCE picks the set: IPv4 or IPv6 (TCP SYN, 76 bytes, and ICMPv6 echo, 56
// bytes, to 2001:2:0:1::/64), both built by the product's ProbeBuilder; SOURCE may also be
// V4SOURCE,V6SOURCE: both sets interleaved one by one (every burst mixes families).
//
//   tx_probe_tool expect SOURCE
//       prints the probes' IP bytes, one hex line each, in send order
//   tx_probe_tool send raw|afpacket|afpacket-small|afxdp|afxdp-small|dpdk INTERFACE SOURCE
//   [GATEWAY_MAC]
//       sends them once (afpacket, afxdp, dpdk: the gateway MAC from the neighbour table
//       unless given; afpacket-small: 128-byte frames, one page holds all 32: the ring
//       fills and wraps; afxdp-small: 64 UMEM chunks, so chunks are reused from the
//       completion ring; dpdk: a net_af_packet port on INTERFACE, no hugepages)
//   tx_probe_tool backends
//       prints the backends this build can test
//   tx_probe_tool route DESTINATION
//       prints the source address and interface of the kernel's route to DESTINATION
//       (capture::LookupRoute), and the next hop and its MAC on that interface
//   tx_probe_tool capture INTERFACE SOURCE COUNT TIMEOUT_MS OUT_FILE READY_FILE
//       captures inbound probes from SOURCE (SYN or echo request to 198.19.1.0/24 or
//       2001:2:0:1::/64), writes each whole frame as a hex line; touches READY_FILE once
//       capturing; exits 0 when COUNT frames arrived, 3 on timeout
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "capture/pcap/pcap_source.h"
#include "capture/send/af_packet_sender.h"
#ifdef CUTPOINT_HAVE_AFXDP
#include "capture/send/af_xdp_sender.h"
#endif
#ifdef CUTPOINT_HAVE_DPDK
#include "capture/dpdk/dpdk_port.h"
#include "capture/dpdk/dpdk_sender.h"
#endif
#include "capture/send/neighbor_lookup.h"
#include "capture/send/packet_sender.h"
#include "capture/send/route_lookup.h"
#include "capture/send/sender_factory.h"
#include "engine/probe/probe_builder.h"
#include "engine/probe/probe_codec.h"
#include "engine/probe/probe_key.h"
#include "tests/support/fixed_key.h"

namespace {

using namespace cutpoint;  // NOLINT: a test tool

constexpr uint32_t kTargetBase = 0xC6130100;  // 198.19.1.0
constexpr uint32_t kTargetCount = 50;         // 198.19.1.1 .. 198.19.1.50
constexpr uint32_t kTargetCount6 = 20;        // 2001:2:0:1::1 .. ::20
constexpr int64_t kSendUs = 1700000000123456;  // fixed send time
constexpr uint16_t kPorts[] = {25, 443};
constexpr uint8_t kMaxTtl = 4;

struct Probe {
  std::vector<uint8_t> bytes;
  wire::IpAddress target;
};

// Per target: tcp-syn to each port and icmp-echo, at TTL 1..kMaxTtl, built by the
// product's ProbeBuilder (so every backend is checked on the exact bytes a run sends).
std::vector<Probe> BuildFamilyProbes(const wire::IpAddress& source, uint32_t target_count,
                                     const std::function<wire::IpAddress(uint32_t)>& target_of) {
  probe::ProbeCodec codec(test_support::FixedProbeKey());
  probe::ProbeSources sources;
  sources.For(source.family()) = source;
  probe::ProbeBuilder builder(codec, sources);
  std::vector<Probe> probes;
  for (uint32_t t = 1; t <= target_count; ++t) {
    for (uint8_t ttl = 1; ttl <= kMaxTtl; ++ttl) {
      std::vector<probe::ProbeSpec> specs;
      for (uint16_t port : kPorts) {
        specs.push_back({target_of(t), probe::ProbeType::kTcpSyn, port, ttl, 0});
      }
      specs.push_back({target_of(t), probe::ProbeType::kIcmpEcho, 0, ttl, 0});
      for (const probe::ProbeSpec& spec : specs) {
        uint8_t bytes[probe::kMaxProbeLen];
        size_t len = builder.Build(spec, kSendUs, bytes);
        probes.push_back({std::vector<uint8_t>(bytes, bytes + len), spec.target});
      }
    }
  }
  return probes;
}

std::vector<Probe> BuildProbes4(uint32_t source) {
  return BuildFamilyProbes(wire::IpAddress::V4(source), kTargetCount,
                           [](uint32_t t) { return wire::IpAddress::V4(kTargetBase + t); });
}

// IPv6: the builder's 76-byte SYNs (flow label, TS option) and 56-byte ICMPv6 echoes.
std::vector<Probe> BuildProbes6(const wire::IpAddress& source) {
  return BuildFamilyProbes(source, kTargetCount6, [](uint32_t t) {
    return wire::IpAddress::V6(0x2001000200000001, t);
  });
}

// One family's set, or (two sources, one per family) both sets interleaved one by one,
// so that every burst alternates families.
std::vector<Probe> BuildProbes(const std::vector<wire::IpAddress>& sources) {
  auto one = [](const wire::IpAddress& source) {
    return source.is_v4() ? BuildProbes4(source.v4()) : BuildProbes6(source);
  };
  std::vector<Probe> first = one(sources.front());
  if (sources.size() == 1) return first;
  std::vector<Probe> second = one(sources.back());
  std::vector<Probe> mixed;
  for (size_t i = 0; i < std::max(first.size(), second.size()); ++i) {
    if (i < first.size()) mixed.push_back(first[i]);
    if (i < second.size()) mixed.push_back(second[i]);
  }
  return mixed;
}

capture::FamilyAddresses FirstTargets(const std::vector<Probe>& probes) {
  capture::FamilyAddresses first;
  for (const Probe& p : probes) first.AddFirst(p.target);
  return first;
}

// The source of each family, read from the first probe of that family (bytes 8-23 of an
// IPv6 header, 12-15 of an IPv4 one): what a run passes to the raw sender as -S.
capture::FamilyAddresses FirstSources(const std::vector<Probe>& probes) {
  capture::FamilyAddresses sources;
  for (const Probe& p : probes) {
    const uint8_t* b = p.bytes.data();
    sources.AddFirst((b[0] >> 4) == 6
                         ? wire::IpAddress::FromV6Bytes(b + 8)
                         : wire::IpAddress::V4(uint32_t{b[12]} << 24 | uint32_t{b[13]} << 16 |
                                               uint32_t{b[14]} << 8 | b[15]));
  }
  return sources;
}

std::string Hex(const uint8_t* data, size_t len) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (size_t i = 0; i < len; ++i) {
    text.push_back(kDigits[data[i] >> 4]);
    text.push_back(kDigits[data[i] & 0xf]);
  }
  return text;
}

int Expect(const std::vector<wire::IpAddress>& source) {
  for (const Probe& p : BuildProbes(source))
    std::cout << Hex(p.bytes.data(), p.bytes.size()) << "\n";
  return 0;
}

// The next hop of each family the probes have: given (one MAC for both), or from the
// neighbour tables.
absl::StatusOr<wire::NextHopMacs> NextHops(const capture::FamilyAddresses& first,
                                           const std::string& interface, const char* mac_text) {
  wire::NextHopMacs macs;
  for (wire::IpFamily family : capture::kBothFamilies) {
    if (!first.of(family)) continue;
    std::optional<wire::MacAddress>& mac = family == wire::IpFamily::kV4 ? macs.v4 : macs.v6;
    if (mac_text != nullptr) {
      absl::StatusOr<wire::MacAddress> parsed = capture::ParseMac(mac_text);
      if (!parsed.ok()) return parsed.status();
      mac = *parsed;
    } else {
      absl::StatusOr<capture::NextHop> hop = capture::ResolveNextHop(*first.of(family), interface);
      if (!hop.ok()) return hop.status();
      mac = hop->mac;
    }
  }
  return macs;
}

template <typename T>
absl::StatusOr<std::unique_ptr<capture::PacketSender>> AsSender(
    absl::StatusOr<std::unique_ptr<T>> made) {
  if (!made.ok()) return made.status();
  return std::unique_ptr<capture::PacketSender>(std::move(*made));
}

#ifdef CUTPOINT_HAVE_DPDK
// A net_af_packet port on the interface, and its sender; the port outlives the sender.
struct DpdkSending {
  std::unique_ptr<capture::DpdkPort> port;
};
DpdkSending dpdk_sending;

absl::StatusOr<std::unique_ptr<capture::PacketSender>> OpenDpdk(const std::string& interface,
                                                                const wire::NextHopMacs& macs) {
  capture::DpdkOptions options;
  options.eal_args = absl::StrCat(
      "--no-huge --no-pci -m 256 --log-level=error --vdev net_af_packet0,iface=", interface,
      ",framecnt=2048");
  options.destination_macs = macs;
  absl::StatusOr<std::unique_ptr<capture::DpdkPort>> port = capture::DpdkPort::Create(options);
  if (!port.ok()) return port.status();
  dpdk_sending.port = std::move(*port);
  return std::unique_ptr<capture::PacketSender>(new capture::DpdkSender(*dpdk_sending.port));
}
#endif

absl::StatusOr<std::unique_ptr<capture::PacketSender>> OpenSender(const std::string& name,
                                                                  const std::string& interface,
                                                                  const std::vector<Probe>& probes,
                                                                  const char* mac_text) {
  capture::FamilyAddresses first = FirstTargets(probes);
  if (name == "raw")
    return capture::CreateSender(capture::TxBackend::kRawSocket, interface, first, {}, 0,
                                 FirstSources(probes));
  absl::StatusOr<wire::NextHopMacs> macs = NextHops(first, interface, mac_text);
  if (!macs.ok()) return macs.status();
  if (name == "afpacket-small") {
    capture::AfPacketOptions options;
    options.interface = interface;
    options.destination_macs = *macs;
    // The smallest frames that hold the longest probe: 128 bytes leave 72 for the packet
    // (32 of TPACKET2 header room, 10 of virtio-net header, 14 of Ethernet), enough for
    // IPv4's 44; IPv6's 76-byte SYN needs 144 (28 frames a page).
    options.frame_size = first.v6 ? 144 : 128;
    options.frame_count = 8;
    return AsSender(capture::AfPacketSender::Create(options));
  }
#ifdef CUTPOINT_HAVE_AFXDP
  if (name == "afxdp-small") {
    capture::AfXdpOptions options;
    options.interface = interface;
    options.destination_macs = *macs;
    options.frame_count = 64;
    return AsSender(capture::AfXdpSender::Create(options));
  }
#endif
#ifdef CUTPOINT_HAVE_DPDK
  if (name == "dpdk") return OpenDpdk(interface, *macs);
#endif
  absl::StatusOr<capture::TxBackend> backend = capture::ParseTxBackend(name);
  if (!backend.ok()) return backend.status();
  // Through the factory with the MAC it resolved itself (the neighbour table path).
  return capture::CreateSender(*backend, interface, first,
                               mac_text != nullptr ? *macs : wire::NextHopMacs{});
}

void PrintCounters(capture::PacketSender* sender) {
  if (auto* ring = dynamic_cast<capture::AfPacketSender*>(sender)) {
    bool flushed = ring->Flush(1000);
    const capture::AfPacketCounters& c = ring->counters();
    std::cout << " ring_frames=" << ring->frame_count()
              << " src_mac=" << capture::FormatMac(ring->source_mac())
              << " queued=" << c.frames_queued << " kicks=" << c.kicks
              << " ring_full=" << c.ring_full << " rejected=" << c.rejected
              << " wrong_format=" << c.wrong_format << " send_errors=" << c.send_errors
              << " flushed=" << flushed;
  }
#ifdef CUTPOINT_HAVE_AFXDP
  if (auto* xsk = dynamic_cast<capture::AfXdpSender*>(sender)) {
    bool flushed = xsk->Flush(1000);
    const capture::AfXdpCounters& c = xsk->counters();
    std::cout << " queued=" << c.frames_queued << " completed=" << c.completed
              << " kicks=" << c.kicks << " stall_kicks=" << c.stall_kicks
              << " ring_full=" << c.ring_full << " rejected=" << c.rejected
              << " send_errors=" << c.send_errors << " flushed=" << flushed;
  }
#endif
#ifdef CUTPOINT_HAVE_DPDK
  if (auto* dpdk = dynamic_cast<capture::DpdkSender*>(sender)) {
    const capture::DpdkSenderCounters& c = dpdk->counters();
    std::cout << " frames_sent=" << c.frames_sent << " tx_full=" << c.tx_full
              << " rejected=" << c.rejected;
  }
#endif
}

int Send(const std::string& backend_name, const std::string& interface,
         const std::vector<wire::IpAddress>& source, const char* gateway_mac_text) {
  std::vector<Probe> probes = BuildProbes(source);
  absl::StatusOr<std::unique_ptr<capture::PacketSender>> sender =
      OpenSender(backend_name, interface, probes, gateway_mac_text);
  if (!sender.ok()) {
    std::cerr << "create " << backend_name << ": " << sender.status() << "\n";
    return 1;
  }
  std::vector<capture::OutgoingPacket> packets;
  for (const Probe& p : probes) {
    packets.push_back({p.bytes.data(), static_cast<uint16_t>(p.bytes.size()), p.target});
  }
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::seconds(5);
  size_t done = 0, sent = 0, failed = 0, bursts = 0, stalls = 0;
  constexpr size_t kBurst = 64;
  while (done < packets.size()) {
    size_t count = std::min(kBurst, packets.size() - done);
    capture::BurstResult result =
        (*sender)->SendBurst(std::span<const capture::OutgoingPacket>(&packets[done], count));
    ++bursts;
    sent += result.sent;
    failed += result.failed;
    done += result.sent + result.failed;
    if (result.sent + result.failed == 0) {
      ++stalls;
      if (std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  }
  double elapsed_ms = std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - start).count();
  std::cout << "backend=" << backend_name << " probes=" << packets.size() << " sent=" << sent
            << " failed=" << failed << " bursts=" << bursts << " stalls=" << stalls
            << " elapsed_ms=" << elapsed_ms;
  PrintCounters(sender->get());
  std::cout << std::endl;
  return sent == packets.size() && failed == 0 ? 0 : 1;
}

std::string CaptureFilter(const wire::IpAddress& source) {
  std::string text = wire::IpAddressToString(source);
  if (source.is_v4()) {
    return "ip src host " + text +
           " and dst net 198.19.1.0/24 and ((tcp and tcp[tcpflags] & tcp-syn != 0 "
           "and tcp[tcpflags] & tcp-ack == 0) or (icmp and icmp[icmptype] == icmp-echo))";
  }
  // Our probes carry no extension headers: the transport is right behind the 40 bytes.
  return "ip6 src host " + text +
         " and dst net 2001:2:0:1::/64 and ((ip6[6] == 6 and ip6[53] & 0x12 == 0x02) or "
         "(ip6[6] == 58 and ip6[40] == 128))";
}

int Capture(const std::string& interface, const std::vector<wire::IpAddress>& sources,
            size_t count, int timeout_ms, const std::string& out_path,
            const std::string& ready_path) {
  capture::LiveCaptureOptions options;
  options.interface = interface;
  options.snaplen = 256;
  options.inbound_only = true;
  options.filter = "(" + CaptureFilter(sources.front()) + ")";
  if (sources.size() > 1) options.filter += " or (" + CaptureFilter(sources.back()) + ")";
  absl::StatusOr<std::unique_ptr<capture::PcapSource>> source_or =
      capture::PcapSource::OpenLive(options);
  if (!source_or.ok()) {
    std::cerr << source_or.status() << "\n";
    return 1;
  }
  std::ofstream out(out_path);
  { std::ofstream ready(ready_path); }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  size_t got = 0;
  while (got < count && std::chrono::steady_clock::now() < deadline) {
    capture::CapturedFrame frame;
    absl::StatusOr<capture::NextResult> next = (*source_or)->Next(&frame);
    if (!next.ok()) {
      std::cerr << next.status() << "\n";
      return 1;
    }
    if (*next == capture::NextResult::kEnd) break;
    if (*next != capture::NextResult::kFrame) continue;
    out << Hex(frame.data, frame.len) << "\n";
    ++got;
  }
  out.flush();
  capture::CaptureCounters counters = (*source_or)->Counters();
  std::cout << "captured=" << got << " of " << count << " pcap_drops=" << counters.dropped
            << std::endl;
  return got == count ? 0 : 3;
}

int PrintRoute(const wire::IpAddress& destination) {
  absl::StatusOr<capture::Route> route = capture::LookupRoute(destination);
  if (!route.ok()) {
    std::cerr << route.status() << "\n";
    return 1;
  }
  absl::StatusOr<capture::NextHop> hop = capture::ResolveNextHop(destination, route->interface);
  if (!hop.ok()) {
    std::cerr << hop.status() << "\n";
    return 1;
  }
  std::cout << wire::IpAddressToString(route->source_address) << " " << route->interface << " "
            << wire::IpAddressToString(hop->address) << " " << capture::FormatMac(hop->mac)
            << std::endl;
  return 0;
}

int Usage() {
  std::cerr << "usage: tx_probe_tool expect SOURCE\n"
               "       tx_probe_tool send raw|afpacket|afpacket-small|afxdp|afxdp-small|dpdk "
               "INTERFACE SOURCE [GATEWAY_MAC]\n"
               "       tx_probe_tool backends\n"
               "       tx_probe_tool route DESTINATION\n"
               "       tx_probe_tool capture INTERFACE SOURCE COUNT TIMEOUT_MS OUT READY\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  std::string command = argv[1];
  if (command == "backends" && argc == 2) {
    std::cout << "raw afpacket afpacket-small";
#ifdef CUTPOINT_HAVE_AFXDP
    std::cout << " afxdp afxdp-small";
#endif
#ifdef CUTPOINT_HAVE_DPDK
    std::cout << " dpdk";
#endif
    std::cout << "\n";
    return 0;
  }
  if (command == "route" && argc == 3) {
    absl::StatusOr<wire::IpAddress> destination = wire::ParseIpAddress(argv[2]);
    return destination.ok() ? PrintRoute(*destination) : Usage();
  }
  int source_arg = command == "expect" || command == "send" ? (command == "expect" ? 2 : 4) : 3;
  if (argc <= source_arg) return Usage();
  // SOURCE, or V4SOURCE,V6SOURCE for both sets interleaved.
  std::vector<wire::IpAddress> source;
  for (absl::string_view text : absl::StrSplit(argv[source_arg], ',')) {
    absl::StatusOr<wire::IpAddress> parsed = wire::ParseIpAddress(text);
    if (!parsed.ok()) return Usage();
    source.push_back(*parsed);
  }
  if (source.empty() || source.size() > 2 ||
      (source.size() == 2 && source[0].family() == source[1].family())) {
    return Usage();
  }
  if (command == "expect" && argc == 3) return Expect(source);
  if (command == "send" && (argc == 5 || argc == 6)) {
    return Send(argv[2], argv[3], source, argc == 6 ? argv[5] : nullptr);
  }
  if (command == "capture" && argc == 8) {
    return Capture(argv[2], source, std::stoul(argv[4]), std::stoi(argv[5]), argv[6], argv[7]);
  }
  return Usage();
}
