// SPDX-License-Identifier: Apache-2.0
#include "session/asn_db_file.h"

#include <maxminddb.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/mmdb_writer.h"

namespace cutpoint::session {
namespace {

using test_support::MakeMmdb;
using test_support::MmdbNetwork;
using wire::IpAddress;

IpAddress Addr(absl::string_view text) { return *wire::ParseIpAddress(text); }

class AsnDbFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& bytes) {
    std::string path =
        ::testing::TempDir() + "/cutpoint_asn_" + std::to_string(getpid()) + "_" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    paths_.push_back(path);
    return path;
  }
  void TearDown() override {
    for (const std::string& path : paths_) unlink(path.c_str());
  }

  std::vector<std::string> paths_;
};

std::string Describe(const asn::AsnTable& table, absl::string_view address) {
  std::optional<asn::AsnMatch> match = table.Lookup(Addr(address));
  if (!match) return "-";
  return asn::AsnListText(match->asns) + " " + std::string(match->as_name) + " " +
         asn::MatchPrefixText(*match);
}

std::vector<MmdbNetwork> SampleNetworks() {
  return {
      {Addr("1.0.0.0"), 24, 13335, "CLOUDFLARENET"},
      {Addr("1.0.4.0"), 22, 38803, "Gtelecom"},
      {Addr("198.51.100.7"), 32, 64500, "HOST"},
      {Addr("2001:db8::"), 32, 64496, "EXAMPLE-V6"},
      {Addr("2001:db9::1"), 128, 64497, "ONE-V6"},
  };
}

TEST_F(AsnDbFileTest, ReadsAMaxMindAsnDatabase) {
  const std::string path = Write("asn.mmdb", MakeMmdb(SampleNetworks()));
  absl::StatusOr<AsnDatabases> databases = LoadAsnDatabases({path});
  ASSERT_TRUE(databases.ok()) << databases.status();
  ASSERT_EQ(databases->files.size(), 1u);
  EXPECT_EQ(databases->files[0].format, "mmdb");
  EXPECT_EQ(databases->files[0].entries, 5u);
  EXPECT_GT(databases->files[0].size, 0u);
  EXPECT_EQ(databases->files[0].mtime.size(), 20u);  // 2026-12-01T12:00:00Z
  const asn::AsnTable& table = databases->table;
  EXPECT_EQ(Describe(table, "1.0.0.200"), "13335 CLOUDFLARENET 1.0.0.0/24");
  EXPECT_EQ(Describe(table, "1.0.7.255"), "38803 Gtelecom 1.0.4.0/22");
  EXPECT_EQ(Describe(table, "198.51.100.7"), "64500 HOST 198.51.100.7/32");
  EXPECT_EQ(Describe(table, "198.51.100.8"), "-");
  EXPECT_EQ(Describe(table, "2001:db8:ffff::1"), "64496 EXAMPLE-V6 2001:db8::/32");
  EXPECT_EQ(Describe(table, "2001:db9::1"), "64497 ONE-V6 2001:db9::1/128");
  EXPECT_EQ(Describe(table, "2001:db9::2"), "-");
}

// libmaxminddb's own lookup agrees with the writer: the test databases are real ones.
TEST_F(AsnDbFileTest, TestWriterOutputIsWhatLibmaxminddbReads) {
  const std::string path = Write("oracle.mmdb", MakeMmdb(SampleNetworks()));
  MMDB_s mmdb;
  ASSERT_EQ(MMDB_open(path.c_str(), MMDB_MODE_MMAP, &mmdb), MMDB_SUCCESS);
  int gai_error = 0;
  int mmdb_error = 0;
  MMDB_lookup_result_s result = MMDB_lookup_string(&mmdb, "1.0.5.9", &gai_error, &mmdb_error);
  ASSERT_EQ(mmdb_error, MMDB_SUCCESS);
  ASSERT_TRUE(result.found_entry);
  EXPECT_EQ(result.netmask, 96 + 22);
  MMDB_entry_data_s number;
  ASSERT_EQ(MMDB_get_value(&result.entry, &number, "autonomous_system_number", nullptr),
            MMDB_SUCCESS);
  EXPECT_EQ(number.uint32, 38803u);
  result = MMDB_lookup_string(&mmdb, "2001:db8::1", &gai_error, &mmdb_error);
  EXPECT_TRUE(result.found_entry);
  result = MMDB_lookup_string(&mmdb, "1.0.1.1", &gai_error, &mmdb_error);
  EXPECT_FALSE(result.found_entry);
  MMDB_close(&mmdb);
}

TEST_F(AsnDbFileTest, ReadsAnIpv4OnlyMaxMindTree) {
  const std::string path = Write(
      "v4.mmdb", MakeMmdb({{Addr("0.0.0.0"), 1, 1, "LOW"}, {Addr("192.0.2.0"), 24, 2, "DOC"}}, 4));
  absl::StatusOr<AsnDatabases> databases = LoadAsnDatabases({path});
  ASSERT_TRUE(databases.ok()) << databases.status();
  EXPECT_EQ(Describe(databases->table, "127.1.2.3"), "1 LOW 0.0.0.0/1");
  EXPECT_EQ(Describe(databases->table, "192.0.2.1"), "2 DOC 192.0.2.0/24");
  EXPECT_EQ(Describe(databases->table, "192.0.3.1"), "-");
}

TEST_F(AsnDbFileTest, DetectsTextFormatsAndMostSpecificAcrossFilesWins) {
  const std::string pfx2as = Write("rv.pfx2as", "1.0.0.0\t16\t64500_64501\n10.0.0.0\t8\t64502\n");
  const std::string ip2asn =
      Write("ip2asn.tsv", "1.0.0.0\t1.0.0.255\t13335\tUS\tCLOUDFLARENET\n"
                          "1.0.1.0\t1.0.1.255\t0\tNone\tNot routed\n");
  const std::string mmdb = Write("asn.mmdb", MakeMmdb({{Addr("10.1.1.0"), 24, 64999, "MM"}}));
  absl::StatusOr<AsnDatabases> databases = LoadAsnDatabases({pfx2as, ip2asn, mmdb});
  ASSERT_TRUE(databases.ok()) << databases.status();
  ASSERT_EQ(databases->files.size(), 3u);
  EXPECT_EQ(databases->files[0].format, "pfx2as");
  EXPECT_EQ(databases->files[0].entries, 2u);
  EXPECT_EQ(databases->files[1].format, "ip2asn");
  EXPECT_EQ(databases->files[1].entries, 1u);
  EXPECT_EQ(databases->files[2].format, "mmdb");
  const asn::AsnTable& table = databases->table;
  EXPECT_EQ(Describe(table, "1.0.0.1"), "13335 CLOUDFLARENET 1.0.0.0/24");
  EXPECT_EQ(Describe(table, "1.0.1.1"), "64500_64501  1.0.0.0/16");  // AS 0 adds nothing
  EXPECT_EQ(Describe(table, "10.1.1.1"), "64999 MM 10.1.1.0/24");
  EXPECT_EQ(Describe(table, "10.1.2.1"), "64502  10.0.0.0/8");
}

TEST_F(AsnDbFileTest, BadFilesAreClearErrors) {
  const std::string full = MakeMmdb(SampleNetworks());
  struct Case {
    std::string path;
    const char* message;
  };
  const Case cases[] = {
      {::testing::TempDir() + "/cutpoint_asn_no_such_file", "No such file or directory"},
      {Write("empty", ""), "empty file"},
      {Write("garbage", "hello world\n"), "unknown format: the first data line has 1"},
      {Write("badline.pfx2as", "1.0.0.0\t24\t1\n1.0.0.0\t24\n"), "badline.pfx2as:2: expected"},
      {Write("badlen.pfx2as", "1.0.0.0\t40\t1\n"), "badlen.pfx2as:1: bad prefix length '40'"},
      {Write("badasn.pfx2as", "1.0.0.0\t24\tx\n"), "badasn.pfx2as:1: bad ASN 'x'"},
      {Write("comments", "# nothing\n\n"), "no data line"},
      {Write("truncated.mmdb", full.substr(0, full.size() / 2)), "no metadata marker"},
      {Write("nometa.mmdb", full.substr(0, full.size() - 10)), "not a valid MaxMind DB"},
      {Write("badtree.mmdb", std::string(6, '\xff') + full.substr(6)), "corrupt"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<AsnDatabases> databases = LoadAsnDatabases({c.path});
    ASSERT_FALSE(databases.ok()) << c.path;
    EXPECT_EQ(databases.status().code(), absl::StatusCode::kInvalidArgument) << c.path;
    EXPECT_NE(databases.status().message().find(c.message), absl::string_view::npos)
        << databases.status().message() << " | want: " << c.message;
    EXPECT_NE(databases.status().message().find(c.path), absl::string_view::npos)
        << databases.status().message();
  }
}

}  // namespace
}  // namespace cutpoint::session
