// SPDX-License-Identifier: Apache-2.0
// Builds one JSON object as one NDJSON line. The buffer is reused between records, so
// after the first few records formatting allocates nothing.
#ifndef CUTPOINT_ENGINE_REPORT_JSON_LINE_H_
#define CUTPOINT_ENGINE_REPORT_JSON_LINE_H_

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>

#include "absl/strings/string_view.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::report {

class JsonLine {
 public:
  JsonLine() { buffer_.resize(1024); }

  // Starts a new object, discarding the previous one.
  void Begin();
  void AddString(absl::string_view key, absl::string_view value);
  void AddInt(absl::string_view key, int64_t value);
  void AddUint(absl::string_view key, uint64_t value);
  void AddDouble(absl::string_view key, double value);
  // Shortest round-trip form (e.g. 3.9e-06): for values that fixed notation would zero.
  void AddNumber(absl::string_view key, double value);
  void AddBool(absl::string_view key, bool value);
  // Canonical text: dotted quad, or RFC 5952 for IPv6.
  void AddIp(absl::string_view key, const wire::IpAddress& address);
  void AddStringArray(absl::string_view key, std::span<const std::string> values);
  void AddStringArray(absl::string_view key, std::span<const absl::string_view> values);
  void AddUintArray(absl::string_view key, std::span<const uint32_t> values);
  // Nested arrays of objects: BeginArray, then BeginObject/.../EndObject per element.
  void BeginArray(absl::string_view key);
  void EndArray();
  void BeginObject();
  // A nested object as the value of `key`; close with EndObject.
  void BeginObject(absl::string_view key);
  void EndObject();

  // Closes the object and returns the line, newline included.
  absl::string_view Finish();

 private:
  void Key(absl::string_view key);
  void Quoted(absl::string_view value);
  void Separator();
  void Reserve(size_t more);
  void Put(const char* data, size_t n);
  template <typename Integer>
  void PutInteger(Integer value);
  template <typename... Format>
  void PutDouble(double value, Format... format);
  template <typename Strings>
  void AddStrings(absl::string_view key, const Strings& values);
  void Open(char bracket);
  void Close(char bracket);

  std::string buffer_;  // storage; bytes [0, len_) are the line
  size_t len_ = 0;
  bool need_comma_ = false;
};

}  // namespace cutpoint::report

#endif  // CUTPOINT_ENGINE_REPORT_JSON_LINE_H_
