// Helper for tests/lab/tx_backends_test.sh: sends one fixed set of probes (fixed key,
// fixed send time, so the bytes are reproducible) through a chosen TX backend, and
// captures them elsewhere in the lab. Meant to run only inside lab namespaces.
//
//   tx_probe_tool expect SOURCE
//       prints the probes' IPv4 bytes, one hex line each, in send order
//   tx_probe_tool send raw|afpacket|afpacket-small|afxdp|afxdp-small INTERFACE SOURCE [GATEWAY_MAC]
//       sends them once (afpacket, afxdp: the gateway MAC from the neighbour table unless
//       given; afpacket-small: 128-byte frames, one page holds all 32: the ring fills and
//       wraps; afxdp-small: 64 UMEM chunks, so chunks are reused from the completion ring)
//   tx_probe_tool backends
//       prints the backends this build can test
//   tx_probe_tool capture INTERFACE SOURCE COUNT TIMEOUT_MS OUT_FILE READY_FILE
//       captures inbound probes from SOURCE (SYN or echo request to 198.19.1.0/24), writes
//       each whole frame as a hex line; touches READY_FILE once capturing; exits 0 when
//       COUNT frames arrived, 3 on timeout
#include <arpa/inet.h>

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
#include <vector>

#include "absl/status/statusor.h"
#include "capture/pcap/pcap_source.h"
#include "capture/send/af_packet_sender.h"
#ifdef CUTPOINT_HAVE_AFXDP
#include "capture/send/af_xdp_sender.h"
#endif
#include "capture/send/neighbor_lookup.h"
#include "capture/send/packet_sender.h"
#include "capture/send/sender_factory.h"
#include "engine/probe/probe_builder.h"
#include "engine/probe/probe_codec.h"
#include "engine/probe/probe_key.h"

namespace {

using namespace cutpoint;  // NOLINT: a test tool

constexpr uint32_t kTargetBase = 0xC6130100;  // 198.19.1.0
constexpr uint32_t kTargetCount = 50;         // 198.19.1.1 .. 198.19.1.50
constexpr int64_t kSendUs = 1700000000123456;  // fixed send time
constexpr uint16_t kPorts[] = {25, 443};
constexpr uint8_t kMaxTtl = 4;

struct Probe {
  uint8_t bytes[probe::kMaxProbeLen];
  size_t len;
  uint32_t target;
};

std::vector<Probe> BuildProbes(uint32_t source) {
  probe::ProbeKey key;
  for (size_t i = 0; i < key.bytes.size(); ++i) key.bytes[i] = static_cast<uint8_t>(0xc0 + i);
  probe::ProbeCodec codec(key);
  probe::ProbeBuilder builder(codec, cutpoint::wire::SourceAddresses{cutpoint::wire::IpAddress::V4(source), std::nullopt});
  std::vector<Probe> probes;
  for (uint32_t t = 1; t <= kTargetCount; ++t) {
    for (uint8_t ttl = 1; ttl <= kMaxTtl; ++ttl) {
      std::vector<probe::ProbeSpec> specs;
      for (uint16_t port : kPorts) {
        specs.push_back({wire::IpAddress::V4(kTargetBase + t), probe::ProbeType::kTcpSyn, port, ttl, 0});
      }
      specs.push_back({wire::IpAddress::V4(kTargetBase + t), probe::ProbeType::kIcmpEcho, 0, ttl, 0});
      for (const probe::ProbeSpec& spec : specs) {
        Probe p{};
        p.len = builder.Build(spec, kSendUs, p.bytes);
        p.target = spec.target.v4();
        probes.push_back(p);
      }
    }
  }
  return probes;
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

std::optional<uint32_t> ParseAddress(const char* text) {
  in_addr address{};
  if (inet_pton(AF_INET, text, &address) != 1) return std::nullopt;
  return ntohl(address.s_addr);
}

int Expect(uint32_t source) {
  for (const Probe& p : BuildProbes(source)) std::cout << Hex(p.bytes, p.len) << "\n";
  return 0;
}

int Send(const std::string& backend_name, const std::string& interface, uint32_t source,
         const char* gateway_mac_text) {
  bool small_ring = backend_name == "afpacket-small";
  bool small_umem = backend_name == "afxdp-small";
  absl::StatusOr<capture::TxBackend> backend = capture::ParseTxBackend(
      small_ring ? "afpacket" : (small_umem ? "afxdp" : backend_name));
  if (!backend.ok()) {
    std::cerr << backend.status() << "\n";
    return 2;
  }
  std::optional<capture::MacAddress> gateway_mac;
  if (gateway_mac_text != nullptr) {
    absl::StatusOr<capture::MacAddress> mac = capture::ParseMac(gateway_mac_text);
    if (!mac.ok()) {
      std::cerr << mac.status() << "\n";
      return 2;
    }
    gateway_mac = *mac;
  }
  std::vector<Probe> probes = BuildProbes(source);
  if ((small_ring || small_umem) && !gateway_mac.has_value()) {
    absl::StatusOr<capture::NextHop> hop = capture::ResolveNextHop(probes.front().target, interface);
    if (!hop.ok()) {
      std::cerr << hop.status() << "\n";
      return 1;
    }
    gateway_mac = hop->mac;
  }
  absl::StatusOr<std::unique_ptr<capture::PacketSender>> sender;
  if (small_umem) {
#ifdef CUTPOINT_HAVE_AFXDP
    capture::AfXdpOptions options;
    options.interface = interface;
    options.destination_mac = *gateway_mac;
    options.frame_count = 64;
    absl::StatusOr<std::unique_ptr<capture::AfXdpSender>> xsk = capture::AfXdpSender::Create(options);
    if (xsk.ok()) {
      sender = std::unique_ptr<capture::PacketSender>(std::move(*xsk));
    } else {
      sender = xsk.status();
    }
#endif
  } else if (small_ring) {
    capture::AfPacketOptions options;
    options.interface = interface;
    options.destination_mac = *gateway_mac;
    options.frame_size = 128;
    options.frame_count = 8;
    absl::StatusOr<std::unique_ptr<capture::AfPacketSender>> ring =
        capture::AfPacketSender::Create(options);
    if (ring.ok()) {
      sender = std::unique_ptr<capture::PacketSender>(std::move(*ring));
    } else {
      sender = ring.status();
    }
  } else {
    sender = capture::CreateSender(*backend, interface, probes.front().target, gateway_mac);
  }
  if (!sender.ok()) {
    std::cerr << "create " << backend_name << ": " << sender.status() << "\n";
    return 1;
  }
  std::vector<capture::OutgoingPacket> packets;
  for (const Probe& p : probes) {
    packets.push_back({p.bytes, static_cast<uint16_t>(p.len), p.target});
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
  if (auto* ring = dynamic_cast<capture::AfPacketSender*>(sender->get())) {
    bool flushed = ring->Flush(1000);
    const capture::AfPacketCounters& c = ring->counters();
    std::cout << " ring_frames=" << ring->frame_count()
              << " src_mac=" << capture::FormatMac(ring->source_mac())
              << " dst_mac=" << capture::FormatMac(ring->destination_mac())
              << " queued=" << c.frames_queued << " kicks=" << c.kicks
              << " ring_full=" << c.ring_full << " rejected=" << c.rejected
              << " wrong_format=" << c.wrong_format << " send_errors=" << c.send_errors
              << " flushed=" << flushed;
  }
#ifdef CUTPOINT_HAVE_AFXDP
  if (auto* xsk = dynamic_cast<capture::AfXdpSender*>(sender->get())) {
    bool flushed = xsk->Flush(1000);
    const capture::AfXdpCounters& c = xsk->counters();
    std::cout << " queued=" << c.frames_queued << " completed=" << c.completed
              << " kicks=" << c.kicks << " ring_full=" << c.ring_full
              << " rejected=" << c.rejected << " send_errors=" << c.send_errors
              << " flushed=" << flushed;
  }
#endif
  std::cout << std::endl;
  return sent == packets.size() && failed == 0 ? 0 : 1;
}

int Capture(const std::string& interface, uint32_t source, size_t count, int timeout_ms,
            const std::string& out_path, const std::string& ready_path) {
  char source_text[INET_ADDRSTRLEN];
  in_addr address{htonl(source)};
  inet_ntop(AF_INET, &address, source_text, sizeof(source_text));
  capture::LiveCaptureOptions options;
  options.interface = interface;
  options.snaplen = 256;
  options.inbound_only = true;
  options.filter = std::string("ip src host ") + source_text +
                   " and dst net 198.19.1.0/24 and ((tcp and tcp[tcpflags] & tcp-syn != 0 "
                   "and tcp[tcpflags] & tcp-ack == 0) or (icmp and icmp[icmptype] == "
                   "icmp-echo))";
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

int Usage() {
  std::cerr << "usage: tx_probe_tool expect SOURCE\n"
               "       tx_probe_tool send raw|afpacket|afpacket-small|afxdp|afxdp-small INTERFACE SOURCE [GATEWAY_MAC]\n"
               "       tx_probe_tool backends\n"
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
    std::cout << "\n";
    return 0;
  }
  if (command == "expect" && argc == 3) {
    std::optional<uint32_t> source = ParseAddress(argv[2]);
    return source ? Expect(*source) : Usage();
  }
  if (command == "send" && (argc == 5 || argc == 6)) {
    std::optional<uint32_t> source = ParseAddress(argv[4]);
    if (!source) return Usage();
    return Send(argv[2], argv[3], *source, argc == 6 ? argv[5] : nullptr);
  }
  if (command == "capture" && argc == 8) {
    std::optional<uint32_t> source = ParseAddress(argv[3]);
    if (!source) return Usage();
    return Capture(argv[2], *source, std::stoul(argv[4]), std::stoi(argv[5]), argv[6], argv[7]);
  }
  return Usage();
}
