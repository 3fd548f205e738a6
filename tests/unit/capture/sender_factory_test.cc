// SPDX-License-Identifier: Apache-2.0
#include "capture/send/sender_factory.h"

#include <unistd.h>

#include "absl/status/status.h"
#include "capture/send/af_packet_sender.h"
#include "capture/send/neighbor_lookup.h"
#ifdef CUTPOINT_HAVE_AFXDP
#include "capture/send/af_xdp_sender.h"
#endif
#include "gtest/gtest.h"

namespace cutpoint::capture {
namespace {

TEST(TxBackendTest, ParsesKnownNames) {
  absl::StatusOr<TxBackend> raw = ParseTxBackend("raw");
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(*raw, TxBackend::kRawSocket);
  absl::StatusOr<TxBackend> ring = ParseTxBackend("afpacket");
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ(*ring, TxBackend::kAfPacket);
  EXPECT_EQ(TxBackendName(TxBackend::kRawSocket), "raw");
  EXPECT_EQ(TxBackendName(TxBackend::kAfPacket), "afpacket");
  EXPECT_EQ(TxBackendName(TxBackend::kAfXdp), "afxdp");
}

TEST(TxBackendTest, AfXdpDependsOnTheBuild) {
  absl::StatusOr<TxBackend> xdp = ParseTxBackend("afxdp");
#ifdef CUTPOINT_HAVE_AFXDP
  ASSERT_TRUE(xdp.ok());
  EXPECT_EQ(*xdp, TxBackend::kAfXdp);
#else
  ASSERT_FALSE(xdp.ok());
  EXPECT_EQ(xdp.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(xdp.status().message().find("libxdp"), absl::string_view::npos);
#endif
}

// libdpdk is an optional dependency like libxdp: without it "dpdk" is a known name
// this build lacks, never an unknown one.
TEST(TxBackendTest, DpdkDependsOnTheBuild) {
  absl::StatusOr<TxBackend> dpdk = ParseTxBackend("dpdk");
  EXPECT_EQ(TxBackendName(TxBackend::kDpdk), "dpdk");
  if (dpdk.ok()) {
    EXPECT_EQ(*dpdk, TxBackend::kDpdk);
    EXPECT_TRUE(TxBackendBuilt(TxBackend::kDpdk).ok());
    return;
  }
  EXPECT_EQ(dpdk.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(dpdk.status().message(), "this build has no DPDK support (libdpdk not found)");
  EXPECT_EQ(TxBackendBuilt(TxBackend::kDpdk), dpdk.status());
}

TEST(TxBackendTest, NamesRoundTrip) {
  for (TxBackend backend :
       {TxBackend::kRawSocket, TxBackend::kAfPacket, TxBackend::kAfXdp, TxBackend::kDpdk}) {
    absl::StatusOr<TxBackend> parsed = ParseTxBackend(TxBackendName(backend));
    if (!parsed.ok()) continue;  // not in this build
    EXPECT_EQ(*parsed, backend);
  }
}

TEST(TxBackendTest, DpdkIsNoKernelSender) {
  absl::StatusOr<std::unique_ptr<PacketSender>> sender =
      CreateSender(TxBackend::kDpdk, "lo", FamilyAddresses{wire::IpAddress::V4(0x7f000001), {}},
                   wire::NextHopMacs{MacAddress{0x02, 0, 0, 0, 0, 1}, {}});
  ASSERT_FALSE(sender.ok());
  EXPECT_EQ(sender.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(TxBackendTest, RejectsOtherNames) {
  for (const char* bad : {"", "RAW", "af_packet", "afpacket ", "DPDK", "af_xdp", "xdp"}) {
    absl::StatusOr<TxBackend> backend = ParseTxBackend(bad);
    ASSERT_FALSE(backend.ok()) << bad;
    EXPECT_EQ(backend.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(backend.status().message().find("afpacket"), absl::string_view::npos);
  }
}

TEST(IsSendableIpTest, IPv4FromOneHeaderUpToItsFamilysLimit) {
  uint8_t bytes[64] = {0x45};
  SendLimits v4_only{{64, 0}};
  EXPECT_TRUE(IsSendableIp({bytes, 20, {}}, v4_only));
  EXPECT_TRUE(IsSendableIp({bytes, 64, {}}, v4_only));
  EXPECT_FALSE(IsSendableIp({bytes, 19, {}}, v4_only)) << "shorter than an IPv4 header";
  EXPECT_FALSE(IsSendableIp({bytes, 64, {}}, SendLimits{{63, 0}})) << "longer than allowed";
  EXPECT_FALSE(IsSendableIp({nullptr, 20, {}}, v4_only));
  bytes[0] = 0x60;
  EXPECT_FALSE(IsSendableIp({bytes, 40, {}}, v4_only)) << "IPv6 without an IPv6 next hop";
}

TEST(IsSendableIpTest, IPv6FromItsFixedHeaderUpToItsFamilysLimit) {
  uint8_t bytes[80] = {0x60};
  SendLimits both{{64, 76}};
  EXPECT_TRUE(IsSendableIp({bytes, 40, {}}, both));
  EXPECT_TRUE(IsSendableIp({bytes, 76, {}}, both)) << "the IPv6 SYN probe";
  EXPECT_FALSE(IsSendableIp({bytes, 77, {}}, both)) << "IPv6's own limit, not IPv4's";
  EXPECT_FALSE(IsSendableIp({bytes, 39, {}}, both)) << "shorter than the IPv6 header";
  EXPECT_FALSE(IsSendableIp({bytes, 20, {}}, both)) << "an IPv4 header's length is not enough";
  EXPECT_FALSE(IsSendableIp({bytes, 56, {}}, SendLimits{{64, 0}})) << "IPv6 not set up";
  bytes[0] = 0x45;
  EXPECT_FALSE(IsSendableIp({bytes, 64, {}}, SendLimits{{0, 76}})) << "IPv4 not set up";
  for (uint8_t version : {0, 5, 7, 15}) {
    bytes[0] = static_cast<uint8_t>(version << 4);
    EXPECT_FALSE(IsSendableIp({bytes, 60, {}}, both)) << "version " << int(version);
  }
}

AfPacketOptions ValidOptions() {
  AfPacketOptions options;
  options.interface = "lo";
  options.destination_macs.v4 = MacAddress{0x02, 0, 0, 0, 0, 1};
  return options;
}

TEST(AfPacketSenderTest, RejectsBadGeometryAndArgumentsBeforeTouchingTheSystem) {
  AfPacketOptions options = ValidOptions();
  options.frame_size = 4096;
  EXPECT_EQ(AfPacketSender::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.frame_size = 100;  // not a multiple of 16
  EXPECT_EQ(AfPacketSender::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
  options = ValidOptions();
  options.frame_count = 0;
  EXPECT_EQ(AfPacketSender::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
  options = ValidOptions();
  options.interface = "";
  EXPECT_EQ(AfPacketSender::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.interface = "an-interface-name-too-long";
  EXPECT_EQ(AfPacketSender::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
  options = ValidOptions();
  options.destination_macs.v4 = MacAddress{};
  EXPECT_EQ(AfPacketSender::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.destination_macs = {};
  absl::Status no_family = AfPacketSender::Create(options).status();
  EXPECT_EQ(no_family.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(no_family.message().find("either IP family"), absl::string_view::npos) << no_family;
  options.destination_macs.v6 = MacAddress{};
  EXPECT_EQ(AfPacketSender::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
}

// Opens (never sends on) an AF_PACKET socket: without privilege the error names
// CAP_NET_RAW; with it, loopback is refused as non-Ethernet and unknown names as such.
TEST(AfPacketSenderTest, ExplainsPrivilegeInterfaceAndLinkTypeErrors) {
  absl::StatusOr<std::unique_ptr<AfPacketSender>> loopback = AfPacketSender::Create(ValidOptions());
  ASSERT_FALSE(loopback.ok());
  if (loopback.status().code() == absl::StatusCode::kPermissionDenied) {
    EXPECT_NE(loopback.status().message().find("CAP_NET_RAW"), absl::string_view::npos);
    return;
  }
  EXPECT_EQ(loopback.status().code(), absl::StatusCode::kInvalidArgument) << loopback.status();
  EXPECT_NE(loopback.status().message().find("not an Ethernet"), absl::string_view::npos);

  AfPacketOptions options = ValidOptions();
  options.interface = "cpt-nosuchif0";
  absl::StatusOr<std::unique_ptr<AfPacketSender>> missing = AfPacketSender::Create(options);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument) << missing.status();
  EXPECT_NE(missing.status().message().find("unknown interface"), absl::string_view::npos);
}

#ifdef CUTPOINT_HAVE_AFXDP
TEST(AfXdpSenderTest, RejectsBadArgumentsBeforeOpeningASocket) {
  AfXdpOptions options;
  EXPECT_EQ(AfXdpSender::Create(options).status().code(), absl::StatusCode::kInvalidArgument)
      << "no next hop for either family";
  options.destination_macs.v6 = MacAddress{0x02, 0, 0, 0, 0, 1};
  options.interface = "";
  EXPECT_EQ(AfXdpSender::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.interface = "cpnoexist0";
  absl::Status unknown = AfXdpSender::Create(options).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.message().find("unknown interface"), absl::string_view::npos);
  // Loopback is not Ethernet: the frames would carry a header it does not have.
  options.interface = "lo";
  absl::Status loopback = AfXdpSender::Create(options).status();
  EXPECT_EQ(loopback.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(loopback.message().find("not an Ethernet interface"), absl::string_view::npos);
}
#endif

}  // namespace
}  // namespace cutpoint::capture
