/* The benchmark's SNMP client: request latencies from one persistent Net-SNMP session. */
#include <net-snmp/net-snmp-config.h>

#include <net-snmp/net-snmp-includes.h>

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Modes (PEER COMMUNITY MODE ...), each printing "p50_us p99_us samples failures":
 *   get FILE COUNT            GETs of the OIDs listed in FILE, round robin
 *   visible COUNT TIMEOUT_MS  adds 198.19.250.i/32 via 192.0.2.2 over rtnetlink, then GETs its
 *                             inetCidrRouteIfIndex until it answers; deletes the routes after
 *   set COUNT                 createAndGo of 198.19.251.i/32 via 192.0.2.2 (one SET each), then
 *                             destroy (not timed)
 *   notify COUNT PORT TIMEOUT_MS  listens on 127.0.0.1:PORT (the agent's trap2sink), adds
 *                             198.19.252.i/32 via 192.0.2.2 over rtnetlink and times from the
 *                             request to the first datagram naming that route (its index sub-identifiers
 *                             1.4.198.19.252.i in BER); deletes it, then waits 60 ms, which keeps
 *                             the add/delete pairs under the agent's default notifyRate (50/s) */
static netsnmp_session* session;

static double nowUs(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmpDouble(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static void report(double* samples, int n, int failures) {
  if (n == 0) {
    printf("nan nan 0 %d\n", failures);
    return;
  }
  qsort(samples, n, sizeof *samples, cmpDouble);
  printf("%.1f %.1f %d %d\n", samples[n / 2], samples[(int)(n * 0.99) < n ? (int)(n * 0.99) : n - 1], n,
         failures);
}

/* 1 = a value, 0 = an exception (noSuchInstance...), -1 = no answer or an error status. */
static int request(int type, const oid* name, size_t len, long setValue) {
  netsnmp_pdu* pdu = snmp_pdu_create(type);
  netsnmp_pdu* response = NULL;
  int result = -1;
  if (type == SNMP_MSG_SET)
    snmp_pdu_add_variable(pdu, name, len, ASN_INTEGER, &setValue, sizeof setValue);
  else
    snmp_add_null_var(pdu, name, len);
  if (snmp_synch_response(session, pdu, &response) == STAT_SUCCESS && response->errstat == SNMP_ERR_NOERROR)
    result = response->variables->type == SNMP_NOSUCHINSTANCE ||
                     response->variables->type == SNMP_NOSUCHOBJECT ||
                     response->variables->type == SNMP_ENDOFMIBVIEW
                 ? 0
                 : 1;
  if (response) snmp_free_pdu(response);
  return result;
}

static int routeMessage(int nl, int type, int flags, uint32_t dst) {
  struct {
    struct nlmsghdr h;
    struct rtmsg r;
    char attrs[64];
  } m;
  struct rtattr* a;
  char buf[4096];
  uint32_t gw = htonl(0xC0000202); /* 192.0.2.2 */
  memset(&m, 0, sizeof m);
  m.h.nlmsg_len = NLMSG_LENGTH(sizeof m.r);
  m.h.nlmsg_type = type;
  m.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
  m.r.rtm_family = AF_INET;
  m.r.rtm_dst_len = 32;
  m.r.rtm_table = RT_TABLE_MAIN;
  m.r.rtm_protocol = RTPROT_STATIC;
  m.r.rtm_scope = RT_SCOPE_UNIVERSE;
  m.r.rtm_type = RTN_UNICAST;
  a = (struct rtattr*)((char*)&m + NLMSG_ALIGN(m.h.nlmsg_len));
  a->rta_type = RTA_DST;
  a->rta_len = RTA_LENGTH(4);
  memcpy(RTA_DATA(a), &dst, 4);
  m.h.nlmsg_len = NLMSG_ALIGN(m.h.nlmsg_len) + RTA_ALIGN(a->rta_len);
  a = (struct rtattr*)((char*)&m + m.h.nlmsg_len);
  a->rta_type = RTA_GATEWAY;
  a->rta_len = RTA_LENGTH(4);
  memcpy(RTA_DATA(a), &gw, 4);
  m.h.nlmsg_len += RTA_ALIGN(a->rta_len);
  if (send(nl, &m, m.h.nlmsg_len, 0) < 0) return -1;
  if (recv(nl, buf, sizeof buf, 0) < 0) return -1;
  return ((struct nlmsgerr*)NLMSG_DATA((struct nlmsghdr*)buf))->error;
}

/* True when the datagram holds the BER of the sub-identifiers 4.198.19.252.i (i < 256): the
 * route 198.19.252.i/32's inetCidrRouteDest index part, in a notification's varbind names. */
static int namesRoute(const unsigned char* data, size_t size, int i) {
  unsigned char pattern[8] = {4, 0x81, 0x46, 0x13, 0x81, 0x7C, 0, 0};
  size_t length = 7, k;
  if (i < 128) {
    pattern[6] = (unsigned char)i;
  } else {
    pattern[6] = 0x81;
    pattern[7] = (unsigned char)(i - 128);
    length = 8;
  }
  for (k = 0; k + length <= size; ++k)
    if (memcmp(data + k, pattern, length) == 0) return 1;
  return 0;
}

static void routeOid(oid* name, size_t* len, int column, int third, int i) {
  static const oid prefix[] = {1, 3, 6, 1, 2, 1, 4, 24, 7, 1};
  const oid index[] = {1, 4, 198, 19, (oid)third, (oid)i, 32, 2, 0, 0, 1, 4, 192, 0, 2, 2};
  memcpy(name, prefix, sizeof prefix);
  name[10] = column;
  memcpy(name + 11, index, sizeof index);
  *len = 11 + sizeof index / sizeof index[0];
}

int main(int argc, char** argv) {
  netsnmp_session s;
  int count, n = 0, failures = 0, i;
  double* samples;
  if (argc < 5) {
    fprintf(stderr, "usage: %s PEER COMMUNITY get FILE COUNT | visible COUNT TIMEOUT_MS | set COUNT | "
            "notify COUNT PORT TIMEOUT_MS\n",
            argv[0]);
    return 1;
  }
  setenv("MIBS", "", 0);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
  init_snmp("bench_client");
  snmp_sess_init(&s);
  s.peername = argv[1];
  s.version = SNMP_VERSION_2c;
  s.community = (u_char*)argv[2];
  s.community_len = strlen(argv[2]);
  s.timeout = 2000000;
  s.retries = 0;
  session = snmp_open(&s);
  if (!session) {
    snmp_perror("snmp_open");
    return 1;
  }
  if (strcmp(argv[3], "get") == 0 && argc == 6) {
    static oid names[4096][MAX_OID_LEN];
    static size_t lens[4096];
    int loaded = 0;
    char line[1024];
    FILE* f = fopen(argv[4], "r");
    if (!f) return 1;
    while (loaded < 4096 && fgets(line, sizeof line, f)) {
      lens[loaded] = MAX_OID_LEN;
      line[strcspn(line, " \n")] = 0;
      if (read_objid(line, names[loaded], &lens[loaded])) ++loaded;
    }
    fclose(f);
    count = atoi(argv[5]);
    samples = calloc(count, sizeof *samples);
    for (i = 0; i < count && loaded > 0; ++i) {
      const double t0 = nowUs();
      if (request(SNMP_MSG_GET, names[i % loaded], lens[i % loaded], 0) == 1)
        samples[n++] = nowUs() - t0;
      else
        ++failures;
    }
    report(samples, n, failures);
  } else if (strcmp(argv[3], "visible") == 0 && argc == 6) {
    const double timeoutUs = atof(argv[5]) * 1000;
    const int nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    count = atoi(argv[4]);
    samples = calloc(count, sizeof *samples);
    for (i = 0; i < count; ++i) {
      oid name[MAX_OID_LEN];
      size_t len;
      double t0;
      int seen = 0;
      routeOid(name, &len, 7, 250, i % 250 + 1);
      if (routeMessage(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, htonl(0xC613FA00 + i % 250 + 1)) !=
          0) {
        ++failures;
        continue;
      }
      t0 = nowUs();
      while (nowUs() - t0 < timeoutUs)
        if (request(SNMP_MSG_GET, name, len, 0) == 1) {
          seen = 1;
          break;
        }
      if (seen)
        samples[n++] = nowUs() - t0;
      else
        ++failures;
      routeMessage(nl, RTM_DELROUTE, 0, htonl(0xC613FA00 + i % 250 + 1));
      usleep(2000);
    }
    report(samples, n, failures);
  } else if (strcmp(argv[3], "notify") == 0 && argc == 7) {
    const double timeoutUs = atof(argv[6]) * 1000;
    const int nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    const int traps = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in sink;
    unsigned char datagram[65536];
    memset(&sink, 0, sizeof sink);
    sink.sin_family = AF_INET;
    sink.sin_port = htons((uint16_t)atoi(argv[5]));
    sink.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (nl < 0 || traps < 0 || bind(traps, (struct sockaddr*)&sink, sizeof sink) != 0) {
      perror("notify sockets");
      return 1;
    }
    count = atoi(argv[4]);
    samples = calloc(count, sizeof *samples);
    for (i = 0; i < count; ++i) {
      const int host = i % 250 + 1;
      double t0;
      int seen = 0;
      while (recv(traps, datagram, sizeof datagram, 0) > 0) { /* earlier notifications */
      }
      /* From the request, not its ACK: the kernel announces the route to its listeners before it
       * acknowledges, and the notification often arrives before the ACK is read. */
      t0 = nowUs();
      if (routeMessage(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, htonl(0xC613FC00 + host)) != 0) {
        ++failures;
        continue;
      }
      while (!seen && nowUs() - t0 < timeoutUs) {
        struct pollfd p = {traps, POLLIN, 0};
        ssize_t got;
        if (poll(&p, 1, (int)((timeoutUs - (nowUs() - t0)) / 1000) + 1) <= 0) continue;
        while ((got = recv(traps, datagram, sizeof datagram, 0)) > 0)
          if (namesRoute(datagram, (size_t)got, host)) {
            seen = 1;
            break;
          }
      }
      if (seen)
        samples[n++] = nowUs() - t0;
      else
        ++failures;
      routeMessage(nl, RTM_DELROUTE, 0, htonl(0xC613FC00 + host));
      usleep(60000);
    }
    report(samples, n, failures);
  } else if (strcmp(argv[3], "set") == 0 && argc == 5) {
    count = atoi(argv[4]);
    samples = calloc(count, sizeof *samples);
    for (i = 0; i < count; ++i) {
      oid name[MAX_OID_LEN];
      size_t len;
      double t0;
      routeOid(name, &len, 17, 251, i % 250 + 1);
      t0 = nowUs();
      if (request(SNMP_MSG_SET, name, len, 4) == 1)
        samples[n++] = nowUs() - t0;
      else
        ++failures;
      request(SNMP_MSG_SET, name, len, 6); /* destroy */
    }
    report(samples, n, failures);
  } else {
    fprintf(stderr, "bad arguments\n");
    return 1;
  }
  snmp_close(session);
  return 0;
}
