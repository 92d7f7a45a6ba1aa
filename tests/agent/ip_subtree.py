# ip_subtree.py: what compare_with_snmpd.py knows about the ip group (1.3.6.1.2.1.4) as data: every object's name, the rules each object's differences may match, and the text of each named exception.
"""Data only (no lab, no agents): compare_with_snmpd.py walks the whole ip subtree on Debian's snmpd
and on master + ipmibd and compares instance by instance. Every instance Debian serves must be
served by ipmibd with an equal value unless the difference matches one of the RULES listed for
its object (or the rule its type implies: Counter32/Counter64 -> counter-moved, TimeTicks ->
timestamp); each rule is a named EXCEPTION whose text says why the difference is not a bug,
citing the RFC where Debian is wrong. Instances only ipmibd serves are allowed and listed.

OBJECTS: every leaf object (scalar or column) below ip in RFC 1213 (RFC1213-MIB), RFC 4293
(IP-MIB) and RFC 4292 (IP-FORWARD-MIB), as `PARENT COLUMN:NAME ...` lines (PARENT `-` = ip itself;
the OID is ip.PARENT.COLUMN)."""

IP = (1, 3, 6, 1, 2, 1, 4)

_OBJECTS = """
- 1:ipForwarding 2:ipDefaultTTL 3:ipInReceives 4:ipInHdrErrors 5:ipInAddrErrors 6:ipForwDatagrams
- 7:ipInUnknownProtos 8:ipInDiscards 9:ipInDelivers 10:ipOutRequests 11:ipOutDiscards
- 12:ipOutNoRoutes 13:ipReasmTimeout 14:ipReasmReqds 15:ipReasmOKs 16:ipReasmFails 17:ipFragOKs
- 18:ipFragFails 19:ipFragCreates
20.1 1:ipAdEntAddr 2:ipAdEntIfIndex 3:ipAdEntNetMask 4:ipAdEntBcastAddr 5:ipAdEntReasmMaxSize
21.1 1:ipRouteDest 2:ipRouteIfIndex 3:ipRouteMetric1 4:ipRouteMetric2 5:ipRouteMetric3
21.1 6:ipRouteMetric4 7:ipRouteNextHop 8:ipRouteType 9:ipRouteProto 10:ipRouteAge 11:ipRouteMask
21.1 12:ipRouteMetric5 13:ipRouteInfo
22.1 1:ipNetToMediaIfIndex 2:ipNetToMediaPhysAddress 3:ipNetToMediaNetAddress 4:ipNetToMediaType
- 23:ipRoutingDiscards
24 1:ipForwardNumber
24.2.1 1:ipForwardDest 2:ipForwardMask 3:ipForwardPolicy 4:ipForwardNextHop 5:ipForwardIfIndex
24.2.1 6:ipForwardType 7:ipForwardProto 8:ipForwardAge 9:ipForwardInfo 10:ipForwardNextHopAS
24.2.1 11:ipForwardMetric1 12:ipForwardMetric2 13:ipForwardMetric3 14:ipForwardMetric4
24.2.1 15:ipForwardMetric5
24 3:ipCidrRouteNumber
24.4.1 1:ipCidrRouteDest 2:ipCidrRouteMask 3:ipCidrRouteTos 4:ipCidrRouteNextHop
24.4.1 5:ipCidrRouteIfIndex 6:ipCidrRouteType 7:ipCidrRouteProto 8:ipCidrRouteAge
24.4.1 9:ipCidrRouteInfo 10:ipCidrRouteNextHopAS 11:ipCidrRouteMetric1 12:ipCidrRouteMetric2
24.4.1 13:ipCidrRouteMetric3 14:ipCidrRouteMetric4 15:ipCidrRouteMetric5 16:ipCidrRouteStatus
24 6:inetCidrRouteNumber
24.7.1 1:inetCidrRouteDestType 2:inetCidrRouteDest 3:inetCidrRoutePfxLen 4:inetCidrRoutePolicy
24.7.1 5:inetCidrRouteNextHopType 6:inetCidrRouteNextHop 7:inetCidrRouteIfIndex
24.7.1 8:inetCidrRouteType 9:inetCidrRouteProto 10:inetCidrRouteAge 11:inetCidrRouteNextHopAS
24.7.1 12:inetCidrRouteMetric1 13:inetCidrRouteMetric2 14:inetCidrRouteMetric3
24.7.1 15:inetCidrRouteMetric4 16:inetCidrRouteMetric5 17:inetCidrRouteStatus
24 8:inetCidrRouteDiscards
- 25:ipv6IpForwarding 26:ipv6IpDefaultHopLimit 27:ipv4InterfaceTableLastChange
28.1 1:ipv4InterfaceIfIndex 2:ipv4InterfaceReasmMaxSize 3:ipv4InterfaceEnableStatus
28.1 4:ipv4InterfaceRetransmitTime
- 29:ipv6InterfaceTableLastChange
30.1 1:ipv6InterfaceIfIndex 2:ipv6InterfaceReasmMaxSize 3:ipv6InterfaceIdentifier
30.1 5:ipv6InterfaceEnableStatus 6:ipv6InterfaceReachableTime 7:ipv6InterfaceRetransmitTime
30.1 8:ipv6InterfaceForwarding
31.1.1 1:ipSystemStatsIPVersion 3:ipSystemStatsInReceives 4:ipSystemStatsHCInReceives
31.1.1 5:ipSystemStatsInOctets 6:ipSystemStatsHCInOctets 7:ipSystemStatsInHdrErrors
31.1.1 8:ipSystemStatsInNoRoutes 9:ipSystemStatsInAddrErrors 10:ipSystemStatsInUnknownProtos
31.1.1 11:ipSystemStatsInTruncatedPkts 12:ipSystemStatsInForwDatagrams
31.1.1 13:ipSystemStatsHCInForwDatagrams 14:ipSystemStatsReasmReqds 15:ipSystemStatsReasmOKs
31.1.1 16:ipSystemStatsReasmFails 17:ipSystemStatsInDiscards 18:ipSystemStatsInDelivers
31.1.1 19:ipSystemStatsHCInDelivers 20:ipSystemStatsOutRequests 21:ipSystemStatsHCOutRequests
31.1.1 22:ipSystemStatsOutNoRoutes 23:ipSystemStatsOutForwDatagrams
31.1.1 24:ipSystemStatsHCOutForwDatagrams 25:ipSystemStatsOutDiscards
31.1.1 26:ipSystemStatsOutFragReqds 27:ipSystemStatsOutFragOKs 28:ipSystemStatsOutFragFails
31.1.1 29:ipSystemStatsOutFragCreates 30:ipSystemStatsOutTransmits 31:ipSystemStatsHCOutTransmits
31.1.1 32:ipSystemStatsOutOctets 33:ipSystemStatsHCOutOctets 34:ipSystemStatsInMcastPkts
31.1.1 35:ipSystemStatsHCInMcastPkts 36:ipSystemStatsInMcastOctets
31.1.1 37:ipSystemStatsHCInMcastOctets 38:ipSystemStatsOutMcastPkts
31.1.1 39:ipSystemStatsHCOutMcastPkts 40:ipSystemStatsOutMcastOctets
31.1.1 41:ipSystemStatsHCOutMcastOctets 42:ipSystemStatsInBcastPkts 43:ipSystemStatsHCInBcastPkts
31.1.1 44:ipSystemStatsOutBcastPkts 45:ipSystemStatsHCOutBcastPkts
31.1.1 46:ipSystemStatsDiscontinuityTime 47:ipSystemStatsRefreshRate
31 2:ipIfStatsTableLastChange
31.3.1 1:ipIfStatsIPVersion 2:ipIfStatsIfIndex 3:ipIfStatsInReceives 4:ipIfStatsHCInReceives
31.3.1 5:ipIfStatsInOctets 6:ipIfStatsHCInOctets 7:ipIfStatsInHdrErrors 8:ipIfStatsInNoRoutes
31.3.1 9:ipIfStatsInAddrErrors 10:ipIfStatsInUnknownProtos 11:ipIfStatsInTruncatedPkts
31.3.1 12:ipIfStatsInForwDatagrams 13:ipIfStatsHCInForwDatagrams 14:ipIfStatsReasmReqds
31.3.1 15:ipIfStatsReasmOKs 16:ipIfStatsReasmFails 17:ipIfStatsInDiscards 18:ipIfStatsInDelivers
31.3.1 19:ipIfStatsHCInDelivers 20:ipIfStatsOutRequests 21:ipIfStatsHCOutRequests
31.3.1 23:ipIfStatsOutForwDatagrams 24:ipIfStatsHCOutForwDatagrams 25:ipIfStatsOutDiscards
31.3.1 26:ipIfStatsOutFragReqds 27:ipIfStatsOutFragOKs 28:ipIfStatsOutFragFails
31.3.1 29:ipIfStatsOutFragCreates 30:ipIfStatsOutTransmits 31:ipIfStatsHCOutTransmits
31.3.1 32:ipIfStatsOutOctets 33:ipIfStatsHCOutOctets 34:ipIfStatsInMcastPkts
31.3.1 35:ipIfStatsHCInMcastPkts 36:ipIfStatsInMcastOctets 37:ipIfStatsHCInMcastOctets
31.3.1 38:ipIfStatsOutMcastPkts 39:ipIfStatsHCOutMcastPkts 40:ipIfStatsOutMcastOctets
31.3.1 41:ipIfStatsHCOutMcastOctets 42:ipIfStatsInBcastPkts 43:ipIfStatsHCInBcastPkts
31.3.1 44:ipIfStatsOutBcastPkts 45:ipIfStatsHCOutBcastPkts 46:ipIfStatsDiscontinuityTime
31.3.1 47:ipIfStatsRefreshRate
32.1 1:ipAddressPrefixIfIndex 2:ipAddressPrefixType 3:ipAddressPrefixPrefix
32.1 4:ipAddressPrefixLength 5:ipAddressPrefixOrigin 6:ipAddressPrefixOnLinkFlag
32.1 7:ipAddressPrefixAutonomousFlag 8:ipAddressPrefixAdvPreferredLifetime
32.1 9:ipAddressPrefixAdvValidLifetime
- 33:ipAddressSpinLock
34.1 1:ipAddressAddrType 2:ipAddressAddr 3:ipAddressIfIndex 4:ipAddressType 5:ipAddressPrefix
34.1 6:ipAddressOrigin 7:ipAddressStatus 8:ipAddressCreated 9:ipAddressLastChanged
34.1 10:ipAddressRowStatus 11:ipAddressStorageType
35.1 1:ipNetToPhysicalIfIndex 2:ipNetToPhysicalNetAddressType 3:ipNetToPhysicalNetAddress
35.1 4:ipNetToPhysicalPhysAddress 5:ipNetToPhysicalLastUpdated 6:ipNetToPhysicalType
35.1 7:ipNetToPhysicalState 8:ipNetToPhysicalRowStatus
36.1 1:ipv6ScopeZoneIndexIfIndex 2:ipv6ScopeZoneIndexLinkLocal 3:ipv6ScopeZoneIndex3
36.1 4:ipv6ScopeZoneIndexAdminLocal 5:ipv6ScopeZoneIndexSiteLocal 6:ipv6ScopeZoneIndex6
36.1 7:ipv6ScopeZoneIndex7 8:ipv6ScopeZoneIndexOrganizationLocal 9:ipv6ScopeZoneIndex9
36.1 10:ipv6ScopeZoneIndexA 11:ipv6ScopeZoneIndexB 12:ipv6ScopeZoneIndexC 13:ipv6ScopeZoneIndexD
37.1 1:ipDefaultRouterAddressType 2:ipDefaultRouterAddress 3:ipDefaultRouterIfIndex
37.1 4:ipDefaultRouterLifetime 5:ipDefaultRouterPreference
- 38:ipv6RouterAdvertSpinLock
39.1 1:ipv6RouterAdvertIfIndex 2:ipv6RouterAdvertSendAdverts 3:ipv6RouterAdvertMaxInterval
39.1 4:ipv6RouterAdvertMinInterval 5:ipv6RouterAdvertManagedFlag
39.1 6:ipv6RouterAdvertOtherConfigFlag 7:ipv6RouterAdvertLinkMTU 8:ipv6RouterAdvertReachableTime
39.1 9:ipv6RouterAdvertRetransmitTime 10:ipv6RouterAdvertCurHopLimit
39.1 11:ipv6RouterAdvertDefaultLifetime 12:ipv6RouterAdvertRowStatus
"""


def _parse_objects(text):
    names = {}
    for line in text.split("\n"):
        if not line.strip():
            continue
        parent, *items = line.split()
        base = IP if parent == "-" else IP + tuple(int(x) for x in parent.split("."))
        for item in items:
            col, name = item.split(":")
            names[base + (int(col),)] = name
    return names


# OID of every leaf object -> its name.
OBJECTS = _parse_objects(_OBJECTS)

# The tables, as `TABLE:NAME` (TABLE below ip; the entry is TABLE.1).
_TABLES = """
20:ipAddrTable 21:ipRouteTable 22:ipNetToMediaTable 24.2:ipForwardTable 24.4:ipCidrRouteTable
24.7:inetCidrRouteTable 28:ipv4InterfaceTable 30:ipv6InterfaceTable 31.1:ipSystemStatsTable
31.3:ipIfStatsTable 32:ipAddressPrefixTable 34:ipAddressTable 35:ipNetToPhysicalTable
36:ipv6ScopeZoneIndexTable 37:ipDefaultRouterTable 39:ipv6RouterAdvertTable
"""
# Entry OID (TABLE.1) of every table -> the table's name.
TABLES = {IP + tuple(int(x) for x in t.split(".")) + (1,): n
          for t, n in (item.split(":") for item in _TABLES.split())}


def object_of(oid):
    """(object OID, name, instance suffix) of an instance OID below ip; (None, None, None) if no
    known object holds it."""
    for n in range(len(oid), len(IP), -1):
        name = OBJECTS.get(oid[:n])
        if name:
            return oid[:n], name, oid[n:]
    return None, None, None


# Object name -> the exceptions (EXCEPTIONS keys) its differences may match, tried in order.
# Objects not listed must be equal (apart from the type-implied counter/timestamp rules).
RULES = {
    "ipReasmTimeout": ["reasm-timeout"],
    "ipAdEntBcastAddr": ["bcast-addr"],
    "ipRouteType": ["reject-type"],
    "ipRouteProto": ["route-proto"],
    "ipRouteMetric1": ["route-metric1"],
    "ipRouteAge": ["timestamp"],
    "inetCidrRouteNumber": ["route-number"],
    "ipCidrRouteType": ["reject-type"],
    "ipCidrRouteProto": ["route-proto"],
    "ipCidrRouteAge": ["timestamp"],
    "ipAddressSpinLock": ["spinlock"],
    "ipAddressPrefixOrigin": ["loopback-address"],
    "ipAddressStorageType": ["loopback-address"],
    "ipNetToPhysicalState": ["static-neigh-state"],
    "ipSystemStatsRefreshRate": ["refresh-rate"],
    "ipIfStatsRefreshRate": ["refresh-rate"],
    "ipDefaultRouterLifetime": ["lifetime"],
    "ipDefaultRouterPreference": ["default-router-preference"],
}

# What an exception means; every exception the test can report has an entry here. The route
# exceptions of inetCidrRouteTable (whose rows are matched on destination, prefix, next hop,
# ifIndex and metric, see v6-policy) are applied by compare_with_snmpd.compare_routes.
EXCEPTIONS = {
    "local-table-v4": "IPv4 route of a kernel table other than main: Debian reads /proc/net/route, "
                      "which lists RT_TABLE_MAIN only; ipmibd is configured with `routeTable main` + "
                      "`routeTable local` here so that the IPv6 sets (Debian: /proc/net/ipv6_route, "
                      "every table) are comparable. Configuration/data-source difference.",
    "v6-reject-not-up": "IPv6 route the kernel treats as reject/blackhole (no RTF_UP in "
                        "/proc/net/ipv6_route); Debian's _type_from_flags() gives type 0 and the row "
                        "is not served. RFC 4292 inetCidrRouteType: reject(2) 'discards the message "
                        "as unreachable and returns a notification', blackhole(5) 'discards the "
                        "message silently' - such routes result in rejection and are part of "
                        "'This entity's IP Routing table'.",
    "multipath-v4": "Second and later next hop of an IPv4 multipath route: /proc/net/route shows the "
                    "first next hop only. RFC 4292 inetCidrRouteEntry: 'A particular route to a "
                    "particular destination, under a particular policy'; the next hop is part of "
                    "the INDEX so every next hop is its own row.",
    "v6-policy": "IPv6 inetCidrRoutePolicy: Debian uses {0 0 N} with N its dump position "
                 "(route_linux.c 'arbitrary index'), which renumbers rows whenever an earlier route "
                 "appears or goes. RFC 4292 inetCidrRoutePolicy: 'The value { 0 0 } shall be used as "
                 "the default value'; ipmibd uses {0 0} / {0 0 ifIndex} as for IPv4. Rows are matched "
                 "on destination, prefix, next hop, ifIndex and metric instead.",
    "reject-type": "Type of a blackhole/unreachable/prohibit route: Debian local(3) in "
                   "inetCidrRouteType / ipCidrRouteType and direct(3) in ipRouteType ('xxx: can we "
                   "distinguish between reject & blackhole?' in route_linux.c). RFC 4292 "
                   "inetCidrRouteType: local(3) 'refers to a route for which the next hop is the "
                   "final destination'; reject(2) / blackhole(5) are the types of such routes. RFC "
                   "2096 ipCidrRouteType: 'reject (2) refers to a route that, if matched, discards "
                   "the message as unreachable' (no blackhole there: reject(2) for all three). RFC "
                   "1213 ipRouteType: 'direct(3) -- route to directly connected (sub-)network' - a "
                   "discard route reaches no network; other(1) '-- none of the following'.",
    "route-proto": "inetCidrRouteProto / ipCidrRouteProto / ipRouteProto: Debian serves local(2) for "
                   "every route without RTF_DYNAMIC. IANAipRouteProtocol (and RFC 1213 ipRouteProto): "
                   "local(2) is 'local interface', netmgmt(3) 'static route', other(1) 'not "
                   "specified'; ipmibd maps the kernel's rtm_protocol (kernel -> local, static/boot "
                   "-> netmgmt, ra -> icmp-like, routing daemons -> their value). snmpnetstat -Cr "
                   "shows a route whose protocol is icmp(4) with flag D.",
    "route-metric1": "ipRouteMetric1: Debian serves 1 for a route with a gateway and 0 without "
                     "(var_route.c), not a metric of the route (its own ipCidrRouteMetric1 of the "
                     "same route is the kernel's). RFC 1213: 'The primary routing metric for this "
                     "route'; ipmibd serves the kernel's route priority, the metric by which the "
                     "kernel chooses between routes to the same destination.",
    "route-number": "inetCidrRouteNumber: each agent's number of its own inetCidrRouteTable rows "
                    "(RFC 4292: 'The number of current inetCidrRouteTable entries that are not "
                    "invalid'); the two row sets differ by the route exceptions above.",
    "static-neigh-state": "ipNetToPhysicalState of a permanent (static) entry: Debian reachable(1). "
                          "RFC 4293: 'If Neighbor Unreachability Detection is not in use ... this "
                          "object is always unknown(6)'; the kernel runs no NUD on NUD_PERMANENT "
                          "entries.",
    "timestamp": "TimeStamp / age values: each agent stamps rows with its own clock and load time "
                 "(RFC 4293 TimeStamp is relative to the serving agent's sysUpTime).",
    "refresh-rate": "ip*StatsRefreshRate: each agent's own cache interval in ms (RFC 4293: 'The "
                    "minimum reasonable polling interval for this entry'), a property of the "
                    "implementation, not of the kernel's data.",
    "counter-moved": "Counter read later by ipmibd than by Debian: within the bracket "
                     "Debian <= ours <= Debian + 2 x (what one walk of ours adds) + 10.",
    "spinlock": "ipAddressSpinLock: TestAndIncr, a random initial value per agent (RFC 2579).",
    "anycast-rows": "ipAddressTable rows of ipAddressType anycast(2) (the kernel's subnet-router "
                    "anycast addresses of an interface forwarding IPv6, and anycast addresses "
                    "sockets joined): Debian serves none (it reads unicast addresses only). RFC "
                    "4293 ipAddressTable: 'This table contains addressing information relevant to "
                    "the entity's interfaces', ipAddressType: 'The type of address. broadcast(3) "
                    "is not a valid value for IPv6 addresses', anycast(2) being one of its values; "
                    "RFC 4291 2.6.1: the Subnet-Router anycast address is required on routers.",
    "own-address-route-type": "inetCidrRouteType of a kernel local/anycast route (delivery to one of "
                              "this entity's own addresses, IPv6 local table): Debian local(3). RFC "
                              "4292: 'local(3) refers to a route for which the next hop is the final "
                              "destination' - these routes have no next hop, the datagram is never "
                              "sent on; other(1) is 'not specified by this MIB'.",
    "loopback-address": "The loopback address (127.0.0.1/8, ::1/128) and its prefix: Debian "
                        "ipAddressPrefixOrigin manual(2) and ipAddressStorageType volatile(2). "
                        "RFC 4293 IpAddressPrefixOriginTC: 'manual(2) indicates a prefix that was "
                        "manually configured', 'wellknown(3) indicates a well-known prefix ... "
                        "assigned ... by specification in a standards track RFC' (RFC 1122 3.2.1.3, "
                        "RFC 4291 2.5.3); SNMPv2-TC StorageType: 'A row which is volatile(2) is lost "
                        "upon reboot' - the kernel re-creates the loopback address at every boot.",
    "reasm-timeout": "ipReasmTimeout: Debian 0. RFC 1213: 'The maximum number of seconds which "
                     "received fragments are held while they are awaiting reassembly at this "
                     "entity' - Linux holds them net.ipv4.ipfrag_time seconds (30 by default); "
                     "ipmibd serves that sysctl.",
    "bcast-addr": "ipAdEntBcastAddr: Debian 0. RFC 1213: 'The value of the least-significant bit in "
                  "the IP broadcast address ... when the Internet standard all-ones broadcast "
                  "address is used, the value will be 1' - Linux's subnet and limited broadcasts "
                  "are all-ones.",
    "lifetime": "ipDefaultRouterLifetime of a router learned from a router advertisement: 'The "
                "remaining length of time, in seconds' (RFC 4293), read by ipmibd after Debian: "
                "0 <= Debian - ours <= the seconds between the two walks + 2.",
    "default-router-preference": "ipDefaultRouterPreference of a router whose advertisement carried "
                                 "a preference (RFC 4191): Debian medium(0) always (it does not read "
                                 "RTA_PREF). RFC 4293: 'An indication of preference given to this "
                                 "router as a default router as described in the Default Router "
                                 "Preferences document'; ipmibd serves the kernel's RTA_PREF "
                                 "(low -1, medium 0, high 1).",
    "netstat-counter": "snmpnetstat counter (-Ci packet columns, -Cs statistics): read later for "
                       "ipmibd than for Debian (whose statistics cache holds values up to 60 s) from "
                       "the same kernel counters: Debian <= ours <= ours read again a moment later. "
                       "The values themselves are compared by the walk (the same objects).",
}
