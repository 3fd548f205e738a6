// SPDX-License-Identifier: Apache-2.0
// Test driver: a trace's NDJSON (docs/ndjson-schema.md) in, its RIPE Atlas traceroute
// results out (engine/report/atlas_export.h), one per line, for check_atlas.py.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/report/atlas_export.h"
#include "engine/report/trace_reply.h"
#include "nlohmann/json.hpp"

namespace {

using cutpoint::report::AtlasExportOptions;
using cutpoint::report::TraceReply;

// The meta record's source addresses, ttl_min and attempts.
void ReadMeta(const nlohmann::json& meta, AtlasExportOptions* options) {
  for (const char* name : {"source", "source_v6"}) {
    auto it = meta.find(name);
    if (it == meta.end() || !it->is_string()) continue;
    auto address = cutpoint::wire::ParseIpAddress(it->get<std::string>());
    if (!address.ok()) continue;
    (address->is_v4() ? options->src_addr_v4 : options->src_addr_v6) = *address;
  }
  if (meta.value("ttl_min", 0) > 0) options->ttl_min = meta.value("ttl_min", 1);
  options->attempts = meta.value("attempts", 0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s TRACE.ndjson\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  AtlasExportOptions options;
  std::vector<TraceReply> replies;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    auto reply = cutpoint::report::ParseTraceReplyLine(line);
    if (!reply.ok()) {
      std::fprintf(stderr, "%s:%d: %s\n", argv[1], number, reply.status().ToString().c_str());
      return 1;
    }
    if (reply->has_value()) {
      replies.push_back(**reply);
      continue;
    }
    nlohmann::json record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (record.value("type", "") == "meta") ReadMeta(record, &options);
  }
  for (const std::string& result : cutpoint::report::ExportAtlasTraceroutes(replies, options)) {
    std::fputs(result.c_str(), stdout);
  }
  return 0;
}
