#include "engine/report/json_line.h"

#include <charconv>
#include <cmath>

#include "engine/wire/ipv4_address.h"

namespace cutpoint::report {

void JsonLine::Begin() {
  buffer_.clear();
  buffer_.push_back('{');
  need_comma_ = false;
}

void JsonLine::Separator() {
  if (need_comma_) buffer_.push_back(',');
  need_comma_ = true;
}

void JsonLine::Key(absl::string_view key) {
  Separator();
  Quoted(key);
  buffer_.push_back(':');
}

void JsonLine::Quoted(absl::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  buffer_.push_back('"');
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      buffer_.push_back('\\');
      buffer_.push_back(c);
    } else if (u < 0x20) {
      buffer_.append("\\u00");
      buffer_.push_back(kHex[u >> 4]);
      buffer_.push_back(kHex[u & 0xf]);
    } else {
      buffer_.push_back(c);  // UTF-8 passes through; invalid bytes are the caller's input
    }
  }
  buffer_.push_back('"');
}

void JsonLine::AddString(absl::string_view key, absl::string_view value) {
  Key(key);
  Quoted(value);
}

void JsonLine::AddInt(absl::string_view key, int64_t value) {
  Key(key);
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof(digits), value);
  buffer_.append(digits, result.ptr);
}

void JsonLine::AddUint(absl::string_view key, uint64_t value) {
  Key(key);
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof(digits), value);
  buffer_.append(digits, result.ptr);
}

void JsonLine::AddDouble(absl::string_view key, double value) {
  Key(key);
  if (!std::isfinite(value)) {
    buffer_.append("null");
    return;
  }
  char digits[32];
  auto result = std::to_chars(digits, digits + sizeof(digits), value, std::chars_format::fixed, 6);
  buffer_.append(digits, result.ptr);
}

void JsonLine::AddBool(absl::string_view key, bool value) {
  Key(key);
  buffer_.append(value ? "true" : "false");
}

void JsonLine::AddIpv4(absl::string_view key, uint32_t address) {
  Key(key);
  char text[wire::kIpv4TextMax];
  size_t len = wire::FormatIpv4(address, text);
  buffer_.push_back('"');
  buffer_.append(text, len);
  buffer_.push_back('"');
}

void JsonLine::AddStringArray(absl::string_view key, std::span<const std::string> values) {
  BeginArray(key);
  for (const std::string& value : values) {
    Separator();
    Quoted(value);
  }
  EndArray();
}

void JsonLine::AddStringArray(absl::string_view key, std::span<const absl::string_view> values) {
  BeginArray(key);
  for (absl::string_view value : values) {
    Separator();
    Quoted(value);
  }
  EndArray();
}

void JsonLine::BeginArray(absl::string_view key) {
  Key(key);
  buffer_.push_back('[');
  need_comma_ = false;
}

void JsonLine::EndArray() {
  buffer_.push_back(']');
  need_comma_ = true;
}

void JsonLine::BeginObject() {
  Separator();
  buffer_.push_back('{');
  need_comma_ = false;
}

void JsonLine::BeginObject(absl::string_view key) {
  Key(key);
  buffer_.push_back('{');
  need_comma_ = false;
}

void JsonLine::EndObject() {
  buffer_.push_back('}');
  need_comma_ = true;
}

absl::string_view JsonLine::Finish() {
  buffer_.append("}\n");
  return buffer_;
}

}  // namespace cutpoint::report
