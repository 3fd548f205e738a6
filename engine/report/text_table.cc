// SPDX-License-Identifier: Apache-2.0
#include "engine/report/text_table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace cutpoint::report {

size_t DisplayWidth(absl::string_view text) {
  // UTF-8 continuation bytes are 10xxxxxx; every other byte starts a code point.
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

std::string MarkdownCell(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

void TextTable::AddRow(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::RenderText() const {
  std::vector<size_t> widths(columns_.size(), 0);
  for (size_t c = 0; c < columns_.size(); ++c) {
    widths[c] = DisplayWidth(columns_[c].header);
    for (const auto& row : rows_) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  std::string out;
  auto append_line = [&](const auto& cell_of) {
    std::string line;
    for (size_t c = 0; c < columns_.size(); ++c) {
      const std::string& cell = cell_of(c);
      std::string pad(widths[c] - DisplayWidth(cell), ' ');
      if (c != 0) line += "  ";
      if (columns_[c].align == Align::kRight) {
        absl::StrAppend(&line, pad, cell);
      } else {
        absl::StrAppend(&line, cell, pad);
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(&out, line, "\n");
  };
  append_line([&](size_t c) -> const std::string& { return columns_[c].header; });
  for (const auto& row : rows_) {
    append_line([&](size_t c) -> const std::string& { return row[c]; });
  }
  return out;
}

std::string TextTable::RenderMarkdown() const {
  std::string out = "|";
  for (const TextColumn& column : columns_) absl::StrAppend(&out, " ", MarkdownCell(column.header), " |");
  out += "\n|";
  for (const TextColumn& column : columns_) {
    out += column.align == Align::kRight ? "---:|" : "---|";
  }
  out += "\n";
  for (const auto& row : rows_) {
    out += "|";
    for (const std::string& cell : row) absl::StrAppend(&out, " ", MarkdownCell(cell), " |");
    out += "\n";
  }
  return out;
}

}  // namespace cutpoint::report
