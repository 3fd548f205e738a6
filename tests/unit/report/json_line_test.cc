// SPDX-License-Identifier: Apache-2.0
#include "engine/report/json_line.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::report {
namespace {

std::string Line(JsonLine& line) { return std::string(line.Finish()); }

TEST(JsonLineTest, EmptyObject) {
  JsonLine line;
  line.Begin();
  EXPECT_EQ(Line(line), "{}\n");
}

TEST(JsonLineTest, EscapesQuotesBackslashAndControlCharacters) {
  JsonLine line;
  line.Begin();
  line.AddString("s", std::string("a\"b\\c\nd\te\rf\x01g\x1f", 14) + std::string(1, '\0') + "h");
  EXPECT_EQ(Line(line),
            "{\"s\":\"a\\\"b\\\\c\\u000ad\\u0009e\\u000df\\u0001g\\u001f\\u0000h\"}\n");
}

TEST(JsonLineTest, KeysAreEscapedToo) {
  JsonLine line;
  line.Begin();
  line.AddInt("we\"ird\n", 1);
  EXPECT_EQ(Line(line), "{\"we\\\"ird\\u000a\":1}\n");
}

TEST(JsonLineTest, PrintableAndUtf8PassThrough) {
  JsonLine line;
  line.Begin();
  line.AddString("s", "caf\xc3\xa9 /<>'\x7f");
  EXPECT_EQ(Line(line), "{\"s\":\"caf\xc3\xa9 /<>'\x7f\"}\n");
}

TEST(JsonLineTest, Numbers) {
  JsonLine line;
  line.Begin();
  line.AddInt("neg", -42);
  line.AddInt("min", std::numeric_limits<int64_t>::min());
  line.AddUint("max", std::numeric_limits<uint64_t>::max());
  line.AddUint("zero", 0);
  line.AddDouble("d", 1.5);
  line.AddDouble("small", 0.0000004);
  line.AddDouble("nan", std::nan(""));
  line.AddDouble("inf", std::numeric_limits<double>::infinity());
  line.AddBool("t", true);
  line.AddBool("f", false);
  EXPECT_EQ(Line(line),
            "{\"neg\":-42,\"min\":-9223372036854775808,\"max\":18446744073709551615,"
            "\"zero\":0,\"d\":1.500000,\"small\":0.000000,\"nan\":null,\"inf\":null,"
            "\"t\":true,\"f\":false}\n");
}

TEST(JsonLineTest, Ipv4) {
  JsonLine line;
  line.Begin();
  line.AddIp("a", testutil::Ip(185, 70, 40, 101));
  line.AddIp("z", testutil::V4(0));
  line.AddIp("six", wire::ParseIpAddress("2001:2:0:0:0:0:0:1").value());
  EXPECT_EQ(Line(line), "{\"a\":\"185.70.40.101\",\"z\":\"0.0.0.0\",\"six\":\"2001:2::1\"}\n");
}

TEST(JsonLineTest, ArraysAndNestedObjects) {
  JsonLine line;
  line.Begin();
  std::vector<std::string> strings = {"x", "y\"z"};
  line.AddStringArray("s", strings);
  std::vector<absl::string_view> views = {};
  line.AddStringArray("empty", views);
  line.BeginArray("objs");
  line.BeginObject();
  line.AddInt("a", 1);
  line.EndObject();
  line.BeginObject();
  line.AddInt("b", 2);
  line.AddBool("c", false);
  line.EndObject();
  line.EndArray();
  line.BeginObject("nested");
  line.AddString("k", "v");
  line.EndObject();
  line.AddInt("after", 3);
  EXPECT_EQ(Line(line),
            "{\"s\":[\"x\",\"y\\\"z\"],\"empty\":[],\"objs\":[{\"a\":1},{\"b\":2,\"c\":false}],"
            "\"nested\":{\"k\":\"v\"},\"after\":3}\n");
}

TEST(JsonLineTest, BeginDiscardsPreviousObject) {
  JsonLine line;
  line.Begin();
  line.AddInt("first", 1);
  EXPECT_EQ(Line(line), "{\"first\":1}\n");
  line.Begin();
  line.AddInt("second", 2);
  EXPECT_EQ(Line(line), "{\"second\":2}\n");
}

}  // namespace
}  // namespace cutpoint::report
