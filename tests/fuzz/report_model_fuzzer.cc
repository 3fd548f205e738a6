// SPDX-License-Identifier: Apache-2.0
// Fuzzes the HTML report's input side: report::AddNdjson on the input as an NDJSON file,
// and for input it accepts, RenderHtmlReport. Whatever the strings hold, the page keeps
// exactly its own two script elements (data and code) and one style element: no text from
// the input may end one early or open another.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "engine/report/html_report.h"
#include "engine/report/report_model.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

size_t Count(const std::string& text, const char* needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  cutpoint::report::ReportModel model;
  if (!cutpoint::report::AddNdjson("fuzz.ndjson", text, &model).ok()) return 0;
  const std::string page = cutpoint::report::RenderHtmlReport(model, text.substr(0, 64));
  FUZZ_CHECK(Count(page, "</script") == 2);
  FUZZ_CHECK(Count(page, "<script") == 2);
  FUZZ_CHECK(Count(page, "</style") == 1);
  FUZZ_CHECK(Count(page, "<!--") == 0);
  return 0;
}
