/* The floor for `cutpoint match`: a bare libpcap read loop over a saved capture.
 * pcap_open_offline + pcap_next_ex, counting packets and summing one byte of each (so the
 * data is touched, as a parser would). Prints "packets seconds pps" on stdout.
 *
 *   cc -O2 -o pcap_read_loop bench/pcap_read_loop.c -lpcap
 *   ./pcap_read_loop capture.pcap
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE.pcap\n", argv[0]);
    return 2;
  }
  char err[PCAP_ERRBUF_SIZE];
  double start = now_s();
  pcap_t* p = pcap_open_offline(argv[1], err);
  if (p == NULL) {
    fprintf(stderr, "%s: %s\n", argv[1], err);
    return 2;
  }
  struct pcap_pkthdr* hdr;
  const u_char* data;
  uint64_t packets = 0, bytes = 0;
  unsigned checksum = 0;
  int rc;
  while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
    ++packets;
    bytes += hdr->caplen;
    if (hdr->caplen > 23) checksum += data[23]; /* the IPv4 protocol byte behind Ethernet */
  }
  if (rc == PCAP_ERROR) {
    fprintf(stderr, "%s: %s\n", argv[1], pcap_geterr(p));
    return 2;
  }
  pcap_close(p);
  double seconds = now_s() - start;
  printf("%llu %.6f %.0f\n", (unsigned long long)packets, seconds,
         seconds > 0 ? (double)packets / seconds : 0.0);
  fprintf(stderr, "pcap_read_loop: %llu packets, %llu bytes, byte sum %u\n",
          (unsigned long long)packets, (unsigned long long)bytes, checksum);
  return 0;
}
