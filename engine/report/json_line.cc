// SPDX-License-Identifier: Apache-2.0
#include "engine/report/json_line.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "engine/wire/ipv4_address.h"

namespace cutpoint::report {

// The buffer is written through a cursor into pre-grown storage: one capacity check per
// field instead of one per character.
void JsonLine::Reserve(size_t more) {
  if (len_ + more > buffer_.size()) buffer_.resize(std::max(buffer_.size() * 2, len_ + more + 256));
}

void JsonLine::Put(const char* data, size_t n) {
  Reserve(n);
  std::memcpy(buffer_.data() + len_, data, n);
  len_ += n;
}

void JsonLine::Begin() {
  if (buffer_.size() < 1024) buffer_.resize(1024);
  len_ = 0;
  buffer_[len_++] = '{';
  need_comma_ = false;
}

void JsonLine::Separator() {
  if (need_comma_) {
    Reserve(1);
    buffer_[len_++] = ',';
  }
  need_comma_ = true;
}

void JsonLine::Key(absl::string_view key) {
  // Keys are nearly always plain constants: copy them whole unless one needs escaping.
  bool plain = true;
  for (char c : key) {
    unsigned char u = static_cast<unsigned char>(c);
    plain = plain && u >= 0x20 && c != '"' && c != '\\';
  }
  if (!plain) {
    Separator();
    Quoted(key);
    Put(":", 1);
    return;
  }
  Reserve(key.size() + 4);
  char* out = buffer_.data() + len_;
  if (need_comma_) *out++ = ',';
  need_comma_ = true;
  *out++ = '"';
  std::memcpy(out, key.data(), key.size());
  out += key.size();
  *out++ = '"';
  *out++ = ':';
  len_ = static_cast<size_t>(out - buffer_.data());
}

void JsonLine::Quoted(absl::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  // Worst case every byte becomes \u00XX.
  Reserve(value.size() * 6 + 2);
  char* out = buffer_.data() + len_;
  *out++ = '"';
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && c != '"' && c != '\\') {
      *out++ = c;  // UTF-8 passes through; invalid bytes are the caller's input
    } else if (c == '"' || c == '\\') {
      *out++ = '\\';
      *out++ = c;
    } else {
      std::memcpy(out, "\\u00", 4);
      out[4] = kHex[u >> 4];
      out[5] = kHex[u & 0xf];
      out += 6;
    }
  }
  *out++ = '"';
  len_ = static_cast<size_t>(out - buffer_.data());
}

void JsonLine::AddString(absl::string_view key, absl::string_view value) {
  Key(key);
  Quoted(value);
}

template <typename Integer>
void JsonLine::PutInteger(Integer value) {
  Reserve(24);
  auto result = std::to_chars(buffer_.data() + len_, buffer_.data() + len_ + 24, value);
  len_ = static_cast<size_t>(result.ptr - buffer_.data());
}

// JSON has no NaN or infinity: those go out as null.
template <typename... Format>
void JsonLine::PutDouble(double value, Format... format) {
  if (!std::isfinite(value)) {
    Put("null", 4);
    return;
  }
  char digits[64];
  auto result = std::to_chars(digits, digits + sizeof(digits), value, format...);
  Put(digits, static_cast<size_t>(result.ptr - digits));
}

void JsonLine::AddInt(absl::string_view key, int64_t value) {
  Key(key);
  PutInteger(value);
}

void JsonLine::AddUint(absl::string_view key, uint64_t value) {
  Key(key);
  PutInteger(value);
}

void JsonLine::AddDouble(absl::string_view key, double value) {
  Key(key);
  PutDouble(value, std::chars_format::fixed, 6);
}

void JsonLine::AddNumber(absl::string_view key, double value) {
  Key(key);
  PutDouble(value);
}

void JsonLine::AddBool(absl::string_view key, bool value) {
  Key(key);
  if (value) {
    Put("true", 4);
  } else {
    Put("false", 5);
  }
}

void JsonLine::AddIp(absl::string_view key, const wire::IpAddress& address) {
  Key(key);
  Reserve(wire::kIpTextMax + 2);
  buffer_[len_++] = '"';
  len_ += wire::FormatIpAddress(address, buffer_.data() + len_);
  buffer_[len_++] = '"';
}

template <typename Strings>
void JsonLine::AddStrings(absl::string_view key, const Strings& values) {
  BeginArray(key);
  for (absl::string_view value : values) {
    Separator();
    Quoted(value);
  }
  EndArray();
}

void JsonLine::AddStringArray(absl::string_view key, std::span<const std::string> values) {
  AddStrings(key, values);
}

void JsonLine::AddStringArray(absl::string_view key, std::span<const absl::string_view> values) {
  AddStrings(key, values);
}

void JsonLine::AddUintArray(absl::string_view key, std::span<const uint32_t> values) {
  BeginArray(key);
  for (uint32_t value : values) {
    Separator();
    PutInteger(value);
  }
  EndArray();
}

// A nested array or object starts with no element before its first one.
void JsonLine::Open(char bracket) {
  Put(&bracket, 1);
  need_comma_ = false;
}

void JsonLine::Close(char bracket) {
  Put(&bracket, 1);
  need_comma_ = true;
}

void JsonLine::BeginArray(absl::string_view key) {
  Key(key);
  Open('[');
}

void JsonLine::EndArray() { Close(']'); }

void JsonLine::BeginObject() {
  Separator();
  Open('{');
}

void JsonLine::BeginObject(absl::string_view key) {
  Key(key);
  Open('{');
}

void JsonLine::EndObject() { Close('}'); }

absl::string_view JsonLine::Finish() {
  Put("}\n", 2);
  return absl::string_view(buffer_.data(), len_);
}

}  // namespace cutpoint::report
