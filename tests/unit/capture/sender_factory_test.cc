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
      CreateSender(TxBackend::kDpdk, "lo", 0x7f000001, MacAddress{0x02, 0, 0, 0, 0, 1});
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

TEST(IsSendableIpv4Test, IPv4FromOneHeaderUpToTheLimit) {
  uint8_t bytes[64] = {0x45};
  EXPECT_TRUE(IsSendableIpv4({bytes, 20, 0}, 64));
  EXPECT_TRUE(IsSendableIpv4({bytes, 64, 0}, 64));
  EXPECT_FALSE(IsSendableIpv4({bytes, 19, 0}, 64)) << "shorter than an IPv4 header";
  EXPECT_FALSE(IsSendableIpv4({bytes, 64, 0}, 63)) << "longer than the frame allows";
  EXPECT_FALSE(IsSendableIpv4({nullptr, 20, 0}, 64));
  bytes[0] = 0x60;
  EXPECT_FALSE(IsSendableIpv4({bytes, 40, 0}, 64)) << "IPv6";
}

AfPacketOptions ValidOptions() {
  AfPacketOptions options;
  options.interface = "lo";
  options.destination_mac = {0x02, 0, 0, 0, 0, 1};
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
  options.destination_mac = {};
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
  options.destination_mac = {0x02, 0, 0, 0, 0, 1};
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
