// SPDX-License-Identifier: Apache-2.0
// The NDJSON records Cutpoint writes. Field names and types are a public contract,
// documented in docs/ndjson-schema.md; bump kSchemaVersion on any incompatible change.
#ifndef CUTPOINT_ENGINE_REPORT_RECORDS_H_
#define CUTPOINT_ENGINE_REPORT_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/locate/cuts.h"
#include "engine/locate/vantage_compare.h"
#include "engine/locate/verdict.h"
#include "engine/match/reply_record.h"
#include "engine/probe/probe_codec.h"
#include "engine/report/json_line.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::report {

inline constexpr int kSchemaVersion = 1;

// An AS annotation database a run read (--asn-db).
struct AsnDbMeta {
  std::string path;
  std::string format;  // "pfx2as", "ip2asn" or "mmdb"
  uint64_t size = 0;
  std::string mtime;  // RFC 3339, UTC
  uint64_t entries = 0;
};

struct MetaInfo {
  std::string tool_version;
  std::string command;  // "trace", "match", ...
  std::vector<std::string> argv;
  std::string key_fingerprint;
  std::string start_time;  // RFC 3339, UTC
  // The run's source address per family; unset: unknown (offline) or not used.
  std::optional<wire::IpAddress> source_v4;
  std::optional<wire::IpAddress> source_v6;
  std::string interface;
  std::string pcap_file;
  std::vector<std::string> probes;  // e.g. "tcp-syn:25", "icmp-echo"
  int ttl_min = 0;
  int ttl_max = 0;
  int attempts = 0;
  double rate_pps = 0;
  uint64_t target_count = 0;
  uint64_t probe_count = 0;
  bool dry_run = false;
  // Targeting: opt-out lists applied and what they and --skip-reserved left out.
  std::vector<std::string> blocklists;
  uint64_t blocklisted = 0;
  std::vector<std::string> allowed_reserved;  // --allow-reserved prefixes
  bool skip_reserved = false;
  uint64_t reserved_skipped = 0;
  std::vector<std::string> notes;  // caveats about this run, one sentence each
  std::string vantage;             // --vantage: where the run probed from; empty: untagged
  std::vector<AsnDbMeta> asn_dbs;  // empty: no annotation (and no "asn_dbs" field)
  // --shards N --shard I --seed S with N > 1: which part of which scan this run is, so
  // `cutpoint merge` can check a set of shards (written only for N > 1).
  uint32_t shard_count = 1;
  uint32_t shard_index = 0;
  uint64_t seed = 0;
};

struct RejectCounts {
  uint64_t bad_flow_field = 0;
  uint64_t bad_mac = 0;
  uint64_t not_our_target = 0;
  uint64_t out_of_plan = 0;
  uint64_t short_quote = 0;
  uint64_t stale = 0;   // authentic, but older than the run waits for replies
  uint64_t future = 0;  // authentic, but sent after its capture time
};

// --tx dpdk: the port's own counters (rte_eth_stats, since the port was started) and
// per TX queue what our sender handed to the driver.
struct DpdkTxQueueStats {
  uint64_t sent = 0;            // frames the driver took
  uint64_t bursts = 0;          // rte_eth_tx_burst calls
  uint64_t tx_full = 0;         // frames the driver refused (ring full), retried
  uint64_t alloc_failures = 0;  // bursts cut short by an empty mbuf pool
};
// --tx dpdk: where a session thread ran (capture/dpdk/dpdk_layout.h).
struct DpdkThreadStats {
  std::string role;         // "sender" or "capture"
  int index = 0;            // sender: its TX queue; capture: 0
  unsigned lcore = 0;       // the EAL lcore whose CPUs it was pinned to
  std::string cpus;         // those CPUs, e.g. "1"
  bool pinned = false;      // the affinity was set
  bool registered = false;  // rte_thread_register gave it an lcore id (a mempool cache)
};
struct DpdkStats {
  std::string device;
  unsigned main_lcore = 0;
  std::vector<DpdkThreadStats> threads;
  uint64_t ipackets = 0;
  uint64_t opackets = 0;
  uint64_t ibytes = 0;
  uint64_t obytes = 0;
  uint64_t imissed = 0;
  uint64_t ierrors = 0;
  uint64_t oerrors = 0;
  uint64_t rx_nombuf = 0;
  std::vector<DpdkTxQueueStats> tx_queues;  // index: queue id
};

struct ScanStats {
  uint64_t probes_sent = 0;
  uint64_t send_errors = 0;
  uint64_t replies_seen = 0;  // every packet the capture delivered
  uint64_t matched = 0;
  uint64_t rejected = 0;
  RejectCounts rejected_by_reason;
  // Probability that one forged TCP reply passes this run's matcher (plan and key checks);
  // the stats record also gives rejected x this, the forgeries expected among the matched.
  double forgery_acceptance_p = 0;
  uint64_t unmatched = 0;  // not a reply to our probes (other traffic, non-IPv4)
  uint64_t malformed = 0;
  bool has_capture_stats = false;
  uint64_t pcap_received = 0;
  uint64_t pcap_dropped = 0;
  uint64_t pcap_ifdropped = 0;
  std::optional<DpdkStats> dpdk;  // --tx dpdk only
  double duration_s = 0;
  // Live runs: time the sender threads were at work (all Send() phases), which
  // probes_sent / send_s turns into the send rate, without the cooldown and drain.
  std::optional<double> send_s;
  bool interrupted = false;
  uint64_t probes_unsent = 0;      // interrupted: probes of the plan not sent
  std::string resume_file;         // interrupted with --resume: where to continue from
  bool capture_truncated = false;  // a capture file ended inside a record: read up to there
  std::optional<uint64_t> truncated_at_byte;  // where that record starts (unknown: a pipe)
  // A screened `locate` (engine/locate/screen.h): probes of the screen rounds, and the
  // targets that got the TTL sweep after it.
  struct Screen {
    uint64_t probes = 0;
    uint64_t swept_targets = 0;
  };
  std::optional<Screen> screen;
  std::string vantage;  // --vantage, as in MetaInfo
};

void FormatMeta(const MetaInfo& meta, JsonLine* line);
// `with_status` adds the scan verdict for the (target, port): "open" (SYN-ACK), "closed"
// (RST), "up" (echo reply), "unreachable" (ICMP destination unreachable), "expired"
// (time exceeded), "other". `conflict` (scans) marks a reply that contradicts an earlier
// one of its port (match::PortOutcomes): "conflict": true, last.
void FormatReply(const match::ReplyRecord& reply, JsonLine* line, bool with_status = false,
                 bool conflict = false);
absl::string_view ScanStatus(match::ReplyKind kind);
void FormatStats(const ScanStats& stats, JsonLine* line);
// Dry-run output: one record per probe that would be sent, with its bytes in hex.
void FormatProbe(uint64_t index, const probe::ProbeSpec& spec, const uint8_t* packet, size_t len,
                 JsonLine* line);

// A non-empty `vantage` (--vantage) tags the record with where the run probed from.
void FormatVerdict(const locate::Verdict& verdict, JsonLine* line, absl::string_view vantage = {});
// A filtered prefix (engine/locate/cuts.h): the shared finding of its targets.
void FormatCut(const locate::Cut& cut, JsonLine* line, absl::string_view vantage = {});

// `cutpoint report --json`: a target blocked from one vantage and open from another, with
// each vantage's verdict; and per test port the counts of the comparison.
void FormatVantageDiff(const locate::VantageComparison& comparison,
                       const locate::TargetComparison& target, JsonLine* line);
void FormatVantageSummary(const locate::VantageComparison& comparison,
                          const locate::PortComparison& port, JsonLine* line);

// "SA", "RA", "R", ...: one letter per set flag in the order F S R P A U E C.
size_t FormatTcpFlags(uint8_t flags, char out[9]);

}  // namespace cutpoint::report

#endif  // CUTPOINT_ENGINE_REPORT_RECORDS_H_
