// SPDX-License-Identifier: Apache-2.0
#include "session/asn_db_file.h"

#include <fcntl.h>
#include <maxminddb.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/asn/ip2asn_parser.h"
#include "engine/asn/pfx2as_parser.h"
#include "engine/base/status_macros.h"

namespace cutpoint::session {
namespace {

using wire::IpAddress;
using wire::Uint128;

constexpr absl::string_view kMmdbMarker = "\xAB\xCD\xEFMaxMind.com";
// Text databases are read whole; the largest real ones are tens of MB.
constexpr uint64_t kMaxTextBytes = uint64_t{1} << 30;

absl::Status FileError(absl::string_view path, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("--asn-db ", path, ": ", message));
}

std::string Rfc3339Utc(time_t seconds) {
  tm utc;
  gmtime_r(&seconds, &utc);
  char text[32];
  const size_t len = strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(text, len);
}

// The file's stat and, for text formats, its bytes (mmdb files are only probed at the end
// for the marker; libmaxminddb maps them itself).
absl::Status ReadFile(const std::string& path, struct stat& info, std::string& content) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileError(path, std::strerror(errno));
  absl::Status status = absl::OkStatus();
  if (fstat(fd, &info) != 0) {
    status = FileError(path, std::strerror(errno));
  } else if (!S_ISREG(info.st_mode)) {
    status = FileError(path, "not a regular file");
  } else if (info.st_size == 0) {
    status = FileError(path, "empty file");
  } else if (static_cast<uint64_t>(info.st_size) > kMaxTextBytes) {
    status = FileError(path, "larger than 1 GiB");
  } else {
    content.resize(static_cast<size_t>(info.st_size));
    size_t done = 0;
    while (done < content.size()) {
      const ssize_t got = read(fd, content.data() + done, content.size() - done);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        status = FileError(path, std::strerror(errno));
        break;
      }
      if (got == 0) break;
      done += static_cast<size_t>(got);
    }
    content.resize(done);
  }
  close(fd);
  return status;
}

// Walks a MaxMind DB's search tree and adds every data record's network.
class MmdbWalker {
 public:
  MmdbWalker(const std::string& path, const MMDB_s& mmdb, asn::AsnTableBuilder& builder)
      : path_(path), mmdb_(mmdb), builder_(builder) {}

  absl::StatusOr<size_t> Walk() {
    const int bits = mmdb_.metadata.ip_version == 6 ? 128 : 32;
    // IPv6 trees hold IPv4 at ::/96 and alias it at ::ffff:0:0/96 and 2002::/16: the
    // aliases point at the same node and are walked once only, at ::/96.
    uint32_t ipv4_node = UINT32_MAX;
    if (bits == 128) {
      uint32_t node = 0;
      int depth = 0;
      for (; depth < 96 && node < mmdb_.metadata.node_count; ++depth) {
        MMDB_search_node_s search_node;
        if (MMDB_read_node(&mmdb_, node, &search_node) != MMDB_SUCCESS) break;
        if (search_node.left_record_type != MMDB_RECORD_TYPE_SEARCH_NODE) break;
        node = static_cast<uint32_t>(search_node.left_record);
      }
      if (depth == 96) ipv4_node = node;
    }
    struct Pending {
      uint32_t node;
      int depth;
      Uint128 value;
    };
    std::vector<Pending> stack = {{0, 0, 0}};
    size_t entries = 0;
    while (!stack.empty()) {
      const Pending at = stack.back();
      stack.pop_back();
      MMDB_search_node_s node;
      if (at.depth >= bits || MMDB_read_node(&mmdb_, at.node, &node) != MMDB_SUCCESS) {
        return FileError(path_, "corrupt search tree (unreadable node or tree deeper than "
                                "the address)");
      }
      for (int side = 0; side < 2; ++side) {
        const Uint128 value = at.value | (static_cast<Uint128>(side) << (bits - 1 - at.depth));
        const int depth = at.depth + 1;
        const uint8_t type = side == 0 ? node.left_record_type : node.right_record_type;
        const uint64_t record = side == 0 ? node.left_record : node.right_record;
        if (type == MMDB_RECORD_TYPE_SEARCH_NODE) {
          const bool ipv4_home = depth == 96 && value == 0;
          if (record == ipv4_node && !ipv4_home) continue;
          stack.push_back({static_cast<uint32_t>(record), depth, value});
        } else if (type == MMDB_RECORD_TYPE_DATA) {
          MMDB_entry_s entry = side == 0 ? node.left_record_entry : node.right_record_entry;
          RETURN_IF_ERROR(AddNetwork(entry, value, depth, bits));
          ++entries;
        } else if (type != MMDB_RECORD_TYPE_EMPTY) {
          return FileError(path_, "corrupt search tree (a record points outside the file)");
        }
      }
    }
    return entries;
  }

 private:
  absl::Status AddNetwork(MMDB_entry_s& entry, Uint128 value, int depth, int bits) {
    MMDB_entry_data_s number;
    const int status = MMDB_get_value(&entry, &number, "autonomous_system_number", nullptr);
    if (status != MMDB_SUCCESS && status != MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR) {
      return FileError(path_, absl::StrCat("corrupt data section: ", MMDB_strerror(status)));
    }
    uint64_t asn = 0;
    if (status == MMDB_SUCCESS && number.has_data) {
      if (number.type == MMDB_DATA_TYPE_UINT32) asn = number.uint32;
      else if (number.type == MMDB_DATA_TYPE_UINT16) asn = number.uint16;
      else if (number.type == MMDB_DATA_TYPE_UINT64) asn = number.uint64;
    }
    if (asn == 0 || asn > UINT32_MAX) {
      return FileError(path_, absl::StrCat("not an ASN database: a record has no 32-bit "
                                           "autonomous_system_number (database_type '",
                                           mmdb_.metadata.database_type, "')"));
    }
    std::string organization;
    MMDB_entry_data_s name;
    if (MMDB_get_value(&entry, &name, "autonomous_system_organization", nullptr) ==
            MMDB_SUCCESS &&
        name.has_data && name.type == MMDB_DATA_TYPE_UTF8_STRING) {
      organization.assign(name.utf8_string, name.data_size);
    }
    const uint32_t asns[] = {static_cast<uint32_t>(asn)};
    IpAddress base;
    int len = depth;
    if (bits == 32) {
      base = IpAddress::V4(static_cast<uint32_t>(value));
    } else if (depth >= 96 && (value >> 32) == 0) {
      base = IpAddress::V4(static_cast<uint32_t>(value));  // ::a.b.c.d, MaxMind's IPv4
      len = depth - 96;
    } else {
      base = IpAddress::FromValue(value);
      if (base.is_v4()) len = depth >= 96 ? depth - 96 : 0;  // under ::ffff:0:0/96
    }
    builder_.AddPrefix(base, len, asns, organization, "");
    return absl::OkStatus();
  }

  const std::string& path_;
  const MMDB_s& mmdb_;
  asn::AsnTableBuilder& builder_;
};

absl::StatusOr<size_t> AddMmdb(const std::string& path, asn::AsnTableBuilder& builder) {
  MMDB_s mmdb;
  const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &mmdb);
  if (status != MMDB_SUCCESS) {
    return FileError(path, absl::StrCat("not a valid MaxMind DB: ", MMDB_strerror(status)));
  }
  absl::StatusOr<size_t> entries = MmdbWalker(path, mmdb, builder).Walk();
  MMDB_close(&mmdb);
  if (entries.ok() && *entries == 0) return FileError(path, "MaxMind DB without any network");
  return entries;
}

size_t FieldsOfFirstDataLine(absl::string_view content) {
  while (!content.empty()) {
    const size_t end = content.find('\n');
    absl::string_view line = content.substr(0, end);
    content = end == absl::string_view::npos ? absl::string_view() : content.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    return static_cast<size_t>(std::count(line.begin(), line.end(), '\t')) + 1;
  }
  return 0;
}

}  // namespace

absl::StatusOr<std::string> DetectAsnDbFormat(absl::string_view path, absl::string_view content) {
  // The metadata section is at most 128 KiB from the end.
  const size_t tail = content.size() > 131072 ? content.size() - 131072 : 0;
  if (content.substr(tail).rfind(kMmdbMarker) != absl::string_view::npos) return "mmdb";
  if (content.find('\0') != absl::string_view::npos) {
    return FileError(path, "binary file that is no MaxMind DB (no metadata marker: truncated?)");
  }
  const size_t fields = FieldsOfFirstDataLine(content);
  if (fields == 3) return "pfx2as";
  if (fields == 5 || fields == 4) return "ip2asn";
  if (fields == 0) return FileError(path, "no data line (only blank lines or # comments)");
  return FileError(path, absl::StrCat("unknown format: the first data line has ", fields,
                                      " tab-separated field(s); pfx2as has 3 "
                                      "(PREFIX LEN ASN), ip2asn 5 (START END ASN CC NAME), "
                                      "or a MaxMind .mmdb"));
}

absl::StatusOr<AsnDbFileInfo> AddAsnDbFile(const std::string& path, asn::AsnTableBuilder& builder) {
  struct stat info;
  std::string content;
  RETURN_IF_ERROR(ReadFile(path, info, content));
  AsnDbFileInfo file;
  file.path = path;
  file.size = static_cast<uint64_t>(info.st_size);
  file.mtime = Rfc3339Utc(info.st_mtim.tv_sec);
  ASSIGN_OR_RETURN(file.format, DetectAsnDbFormat(path, content));
  absl::StatusOr<size_t> entries;
  if (file.format == "mmdb") {
    content.clear();
    entries = AddMmdb(path, builder);
  } else {
    const std::string source = absl::StrCat("--asn-db ", path);
    entries = file.format == "pfx2as" ? asn::ParsePfx2as(content, source, builder)
                                      : asn::ParseIp2asn(content, source, builder);
  }
  if (!entries.ok()) return entries.status();
  file.entries = *entries;
  return file;
}

absl::StatusOr<AsnDatabases> LoadAsnDatabases(absl::Span<const std::string> paths) {
  asn::AsnTableBuilder builder;
  AsnDatabases databases;
  for (const std::string& path : paths) {
    ASSIGN_OR_RETURN(AsnDbFileInfo file, AddAsnDbFile(path, builder));
    databases.files.push_back(std::move(file));
  }
  databases.table = std::move(builder).Build();
  return databases;
}

}  // namespace cutpoint::session
