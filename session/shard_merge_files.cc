// SPDX-License-Identifier: Apache-2.0
#include "session/shard_merge_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "engine/merge/shard_set.h"

namespace cutpoint::session {
namespace {

// A FILE* read line by line with getline(3): lines of any length, closed on scope exit.
class LineFile {
 public:
  static absl::StatusOr<LineFile> Open(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot read '", path, "': ", std::strerror(errno)));
    }
    return LineFile(file);
  }
  LineFile(LineFile&& other) noexcept
      : file_(other.file_), buffer_(other.buffer_), capacity_(other.capacity_) {
    other.file_ = nullptr;
    other.buffer_ = nullptr;
  }
  LineFile& operator=(LineFile&&) = delete;
  ~LineFile() {
    if (file_ != nullptr) std::fclose(file_);
    std::free(buffer_);
  }

  // The next line with its '\n' if it has one; false at the end of the file.
  bool Next(absl::string_view* line) {
    const ssize_t len = getline(&buffer_, &capacity_, file_);
    if (len < 0) return false;
    *line = absl::string_view(buffer_, static_cast<size_t>(len));
    return true;
  }
  bool failed() const { return std::ferror(file_) != 0; }

 private:
  explicit LineFile(std::FILE* file) : file_(file) {}
  std::FILE* file_;
  char* buffer_ = nullptr;
  size_t capacity_ = 0;
};

absl::Status ReadError(const std::string& path) {
  return absl::UnavailableError(absl::StrCat("error reading '", path, "'"));
}

absl::Status Put(absl::string_view text, std::FILE* out, const std::string& where) {
  if (std::fwrite(text.data(), 1, text.size(), out) != text.size()) {
    return absl::UnavailableError(
        absl::StrCat("cannot write ", where, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// Copies `shard`'s records but its own (meta, stats) lines to `out`.
absl::Status CopyRecords(const merge::ShardSummary& shard, std::FILE* out,
                         const std::string& where) {
  absl::StatusOr<LineFile> file = LineFile::Open(shard.name);
  if (!file.ok()) return file.status();
  absl::string_view line;
  uint64_t number = 0;
  size_t own = 0;
  while (file->Next(&line)) {
    ++number;
    if (own < shard.own_lines.size() && shard.own_lines[own] == number) {
      ++own;
      continue;
    }
    if (absl::Status put = Put(line, out, where); !put.ok()) return put;
  }
  if (file->failed()) return ReadError(shard.name);
  if (number != shard.line_count || line.empty() || line.back() != '\n') {
    return absl::FailedPreconditionError(
        absl::StrCat("'", shard.name, "' changed while it was being merged"));
  }
  return absl::OkStatus();
}

absl::Status WriteAll(const std::vector<const merge::ShardSummary*>& shards, std::FILE* out,
                      const std::string& where) {
  if (absl::Status put = Put(merge::MergedMeta(shards) + "\n", out, where); !put.ok()) {
    return put;
  }
  for (const merge::ShardSummary* shard : shards) {
    if (absl::Status copied = CopyRecords(*shard, out, where); !copied.ok()) return copied;
  }
  if (absl::Status put = Put(merge::MergedStats(shards) + "\n", out, where); !put.ok()) {
    return put;
  }
  if (std::fflush(out) != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot write ", where, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<merge::ShardSummary> ReadShardSummary(const std::string& path) {
  absl::StatusOr<LineFile> file = LineFile::Open(path);
  if (!file.ok()) return file.status();
  merge::ShardReader reader(path);
  absl::string_view line;
  while (file->Next(&line)) {
    const bool has_newline = !line.empty() && line.back() == '\n';
    if (has_newline) line.remove_suffix(1);
    if (absl::Status added = reader.AddLine(line, has_newline); !added.ok()) return added;
  }
  if (file->failed()) return ReadError(path);
  return reader.Finish();
}

absl::Status WriteMerged(const std::vector<const merge::ShardSummary*>& shards,
                         const std::string& output) {
  if (output.empty()) return WriteAll(shards, stdout, "to standard output");
  const std::string where = absl::StrCat("'", output, "'");
  struct stat output_stat;
  if (stat(output.c_str(), &output_stat) == 0) {
    for (const merge::ShardSummary* shard : shards) {
      struct stat shard_stat;
      if (stat(shard->name.c_str(), &shard_stat) == 0 && shard_stat.st_dev == output_stat.st_dev &&
          shard_stat.st_ino == output_stat.st_ino) {
        return absl::InvalidArgumentError(
            absl::StrCat("the output ", where, " is the shard file '", shard->name, "'"));
      }
    }
  }
  std::string temporary = output + ".XXXXXX";
  const int fd = mkstemp(temporary.data());
  if (fd < 0) {
    return absl::InvalidArgumentError(absl::StrCat("cannot create a temporary file beside ",
                                                   where, ": ", std::strerror(errno)));
  }
  const mode_t mask = umask(0);  // the merged file gets the mode a new file would
  umask(mask);
  (void)fchmod(fd, 0666 & ~mask);
  std::FILE* out = fdopen(fd, "wb");
  if (out == nullptr) {
    close(fd);
    unlink(temporary.c_str());
    return absl::UnavailableError(absl::StrCat("cannot write ", where));
  }
  absl::Status written = WriteAll(shards, out, where);
  if (std::fclose(out) != 0 && written.ok()) {
    written = absl::UnavailableError(
        absl::StrCat("cannot write ", where, ": ", std::strerror(errno)));
  }
  if (written.ok() && std::rename(temporary.c_str(), output.c_str()) != 0) {
    written = absl::UnavailableError(
        absl::StrCat("cannot rename the merged file to ", where, ": ", std::strerror(errno)));
  }
  if (!written.ok()) unlink(temporary.c_str());
  return written;
}

}  // namespace cutpoint::session
