/* The floor of the AgentX path: a minimal Net-SNMP subagent serving a synthetic inetCidrRouteTable. */
#include <net-snmp/net-snmp-config.h>

#include <net-snmp/net-snmp-includes.h>

#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <signal.h>
#include <stdlib.h>

/* Usage: minimal_subagent AGENTX_SOCKET ROWS_V4 ROWS_V6. Rows have the index shapes of ipmibd's
 * rows (IPv4: 16 sub-identifiers, IPv6: 40), columns 7-17 constant values; a sorted array of
 * index OIDs and binary search: the least work a subagent can do per request. */
static const oid kEntry[] = {1, 3, 6, 1, 2, 1, 4, 24, 7, 1};
static const oid kNumber[] = {1, 3, 6, 1, 2, 1, 4, 24, 6, 0};
#define ENTRY_LEN 10
#define INDEX_MAX 40
enum { kFirstColumn = 7, kLastColumn = 17 };

typedef struct {
  oid sub[INDEX_MAX];
  size_t len;
} Row;
static Row* rows;
static size_t rowCount;
static volatile sig_atomic_t stopping;

static void stop(int sig) {
  (void)sig;
  stopping = 1;
}

static void makeRow(Row* r, int v6, unsigned long i) {
  size_t n = 0;
  int k;
  r->sub[n++] = v6 ? 2 : 1;
  r->sub[n++] = v6 ? 16 : 4;
  if (v6) {
    static const int prefix[8] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0};
    for (k = 0; k < 8; ++k)
      r->sub[n++] = k < 4 ? (oid)prefix[k] : (i >> (8 * (7 - k))) & 0xff;
    for (k = 0; k < 8; ++k)
      r->sub[n++] = 0;
    r->sub[n++] = 64;
  } else {
    r->sub[n++] = 198;
    r->sub[n++] = 18 + ((i >> 16) & 1);
    r->sub[n++] = (i >> 8) & 0xff;
    r->sub[n++] = i & 0xff;
    r->sub[n++] = 32;
  }
  r->sub[n++] = 2; /* policy {0 0} */
  r->sub[n++] = 0;
  r->sub[n++] = 0;
  r->sub[n++] = v6 ? 2 : 1;
  r->sub[n++] = v6 ? 16 : 4;
  if (v6) {
    static const int gw[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    for (k = 0; k < 16; ++k)
      r->sub[n++] = gw[k];
  } else {
    r->sub[n++] = 192;
    r->sub[n++] = 0;
    r->sub[n++] = 2;
    r->sub[n++] = 2 + i % 8;
  }
  r->len = n;
}

static int rowCompare(const void* a, const void* b) {
  const Row* x = a;
  const Row* y = b;
  return snmp_oid_compare(x->sub, x->len, y->sub, y->len);
}

/* First row whose index is > (or >= when inclusive) `index`. */
static size_t rowAfter(const oid* index, size_t len, int inclusive) {
  size_t lo = 0, hi = rowCount;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = snmp_oid_compare(rows[mid].sub, rows[mid].len, index, len);
    if (c < 0 || (c == 0 && !inclusive))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static void setValue(netsnmp_variable_list* vb, oid column) {
  long v = 0;
  switch (column) {
  case 7: v = 2; break;
  case 8: v = 4; break;
  case 9: v = 3; break;
  case 10:
  case 11: snmp_set_var_typed_value(vb, ASN_GAUGE, &v, sizeof v); return;
  case 12: v = 0; break;
  case 17: v = 1; break;
  default: v = -1; break;
  }
  snmp_set_var_typed_value(vb, ASN_INTEGER, &v, sizeof v);
}

static int tableHandler(netsnmp_mib_handler* h, netsnmp_handler_registration* reg,
                        netsnmp_agent_request_info* info, netsnmp_request_info* requests) {
  netsnmp_request_info* r;
  (void)h;
  (void)reg;
  for (r = requests; r; r = r->next) {
    netsnmp_variable_list* vb = r->requestvb;
    const int inside =
        vb->name_length > ENTRY_LEN && snmp_oid_compare(vb->name, ENTRY_LEN, kEntry, ENTRY_LEN) == 0;
    if (info->mode == MODE_GET) {
      size_t i;
      if (!inside || vb->name[ENTRY_LEN] < kFirstColumn || vb->name[ENTRY_LEN] > kLastColumn) {
        netsnmp_set_request_error(info, r, SNMP_NOSUCHOBJECT);
        continue;
      }
      i = rowAfter(vb->name + ENTRY_LEN + 1, vb->name_length - ENTRY_LEN - 1, 1);
      if (i < rowCount && snmp_oid_compare(rows[i].sub, rows[i].len, vb->name + ENTRY_LEN + 1,
                                           vb->name_length - ENTRY_LEN - 1) == 0)
        setValue(vb, vb->name[ENTRY_LEN]);
      else
        netsnmp_set_request_error(info, r, SNMP_NOSUCHINSTANCE);
    } else if (info->mode == MODE_GETNEXT) {
      oid column = kFirstColumn, name[ENTRY_LEN + 1 + INDEX_MAX];
      size_t i = 0;
      if (inside && vb->name[ENTRY_LEN] >= kFirstColumn) {
        column = vb->name[ENTRY_LEN];
        i = column > kLastColumn
                ? 0
                : rowAfter(vb->name + ENTRY_LEN + 1, vb->name_length - ENTRY_LEN - 1, r->inclusive);
        if (column <= kLastColumn && i == rowCount) ++column, i = 0;
      } else if (snmp_oid_compare(vb->name, vb->name_length, kEntry, ENTRY_LEN) > 0 && !inside) {
        continue; /* after the table */
      }
      if (column > kLastColumn || rowCount == 0) continue; /* exhausted: the next subtree answers */
      memcpy(name, kEntry, sizeof kEntry);
      name[ENTRY_LEN] = column;
      memcpy(name + ENTRY_LEN + 1, rows[i].sub, rows[i].len * sizeof(oid));
      snmp_set_var_objid(vb, name, ENTRY_LEN + 1 + rows[i].len);
      setValue(vb, column);
    }
  }
  return SNMP_ERR_NOERROR;
}

static int numberHandler(netsnmp_mib_handler* h, netsnmp_handler_registration* reg,
                         netsnmp_agent_request_info* info, netsnmp_request_info* requests) {
  unsigned long n = rowCount;
  (void)h;
  (void)reg;
  if (info->mode == MODE_GET) snmp_set_var_typed_value(requests->requestvb, ASN_GAUGE, &n, sizeof n);
  return SNMP_ERR_NOERROR;
}

int main(int argc, char** argv) {
  unsigned long v4, v6, i;
  if (argc != 4) {
    fprintf(stderr, "usage: %s AGENTX_SOCKET ROWS_V4 ROWS_V6\n", argv[0]);
    return 1;
  }
  v4 = strtoul(argv[2], NULL, 10);
  v6 = strtoul(argv[3], NULL, 10);
  rowCount = v4 + v6;
  rows = calloc(rowCount ? rowCount : 1, sizeof *rows);
  for (i = 0; i < v4; ++i)
    makeRow(&rows[i], 0, i);
  for (i = 0; i < v6; ++i)
    makeRow(&rows[v4 + i], 1, i);
  qsort(rows, rowCount, sizeof *rows, rowCompare);

  setenv("MIBS", "", 0);
  netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
  netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, argv[1]);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
  snmp_enable_stderrlog();
  init_agent("minimal_subagent");
  netsnmp_register_handler(netsnmp_create_handler_registration("minimalTable", tableHandler, kEntry,
                                                               ENTRY_LEN, HANDLER_CAN_RONLY));
  netsnmp_register_read_only_instance(netsnmp_create_handler_registration(
      "minimalNumber", numberHandler, kNumber, OID_LENGTH(kNumber), HANDLER_CAN_RONLY));
  init_snmp("minimal_subagent");
  signal(SIGTERM, stop);
  signal(SIGINT, stop);
  while (!stopping)
    agent_check_and_process(1);
  snmp_shutdown("minimal_subagent");
  return 0;
}
