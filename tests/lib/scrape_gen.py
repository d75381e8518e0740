#!/usr/bin/python3
"""Random network namespace configurations for the tests of xdpwire scrape.

Usage:
    scrape_gen.py SEED NSNAME PEERNS
    scrape_gen.py SEED NSNAME PEERNS --routes N

Prints ip(8) commands, without the leading "ip", that build a random but
valid configuration in NSNAME, the same one for the same SEED.  Each line
is "NS COMMAND", for `ip -n NSNAME -batch -`, or "PEER COMMAND", for
`ip -n PEERNS -batch -`.  All NS lines come first and must be applied
first: they create the veth peers (peer0, peer1, ...) that the PEER lines
set up.  No command names NSNAME; IPv6 commands have no "-6", which a
batch line cannot carry: ip tells the family from the addresses.  Both
namespaces must exist, with loopback up.

The configuration: 1-4 veth interfaces in NSNAME with their peers in
PEERNS, one sometimes left down (with addresses and neighbours, which
scrape must skip); IPv4 and IPv6 addresses, primary and secondary;
sometimes an address more on loopback; routes direct and through a
gateway, multipath ones, some with a metric, non-unicast ones and some
in another table (numbered below and above 255); at most one default
route per family; neighbours
permanent and not.  IPv6 link-local addresses are added explicitly
(addrgenmode none), so the configuration is complete when the commands
return: nothing is left for the kernel to add later.

With --routes N: one up veth "e0" with one /16 IPv4 address and N routes
to distinct /24s of 172.0.0.0/7 through gateways in that /16.
"""

import argparse
import ipaddress
import random
import string
import sys

V4_ADDRESS_BASES = [ipaddress.ip_network("10.0.0.0/8"),
                    ipaddress.ip_network("172.16.0.0/12")]
V4_ROUTE_BASES = [ipaddress.ip_network("192.168.0.0/16"),
                  ipaddress.ip_network("198.18.0.0/15"),
                  ipaddress.ip_network("100.64.0.0/10")]
ULA = ipaddress.ip_network("fd00::/8")
LINK_LOCAL = ipaddress.ip_network("fe80::/64")
NAME_WORDS = ["wan", "lan", "uplink", "mgmt", "data", "ext", "int", "tap"]
NAME_CHARS = string.ascii_lowercase + string.digits + "-_"
NON_UNICAST = ["blackhole", "unreachable", "prohibit"]
OTHER_NUD = ["reachable", "stale", "noarp"]
MAX_BULK_ROUTES = 2 * 65536


class Iface:
    """A veth end in NSNAME and what the generator gave it."""

    def __init__(self, name, up):
        self.name = name
        self.up = up
        self.v4 = []  # (address, network) pairs
        self.v6 = []


class Generator:
    """Builds one configuration from a seeded random.Random."""

    def __init__(self, rng, peer_ns):
        self.rng = rng
        self.peer_ns = peer_ns
        self.ns_cmds = []
        self.peer_cmds = []
        self.taken = []  # every network handed out, so none overlap
        self.locals = {ipaddress.ip_address("127.0.0.1"),
                       ipaddress.ip_address("::1")}  # NSNAME's addresses
        self.wide = False  # an IPv4 address shorter than /16 is there

    def alloc(self, bases, prefix):
        """A random network of PREFIX inside one of BASES that overlaps
        nothing handed out before, or None."""
        bases = [b for b in bases if b.prefixlen <= prefix]
        for _ in range(64):
            base = self.rng.choice(bases)
            size = 1 << (base.max_prefixlen - prefix)
            count = base.num_addresses // size
            start = base.network_address + self.rng.randrange(count) * size
            net = ipaddress.ip_network(f"{start}/{prefix}")
            if not any(net.overlaps(t) for t in self.taken):
                self.taken.append(net)
                return net
        return None

    def alloc_any(self, bases, prefix):
        """alloc(), with a longer prefix where PREFIX no longer fits."""
        net = self.alloc(bases, prefix)
        while net is None:
            prefix += 1
            net = self.alloc(bases, prefix)
        return net

    def host(self, net):
        """A random unicast address of NET that is not one of NSNAME's
        own (no network or broadcast address), or None."""
        first, last = 0, net.num_addresses - 1
        if net.version == 4 and net.prefixlen <= 30:
            first, last = 1, last - 1
        elif net.version == 6 and net.prefixlen < 128:
            first = 1
        for _ in range(16):
            addr = net.network_address + self.rng.randint(first, last)
            if addr not in self.locals:
                return addr
        return None

    def mac(self):
        """A random locally administered unicast MAC address."""
        octets = [0x02] + [self.rng.randrange(256) for _ in range(5)]
        return ":".join(f"{o:02x}" for o in octets)

    def ifname(self, taken):
        """A valid interface name not in TAKEN: short or 15 bytes long,
        with or without '-' and '_'."""
        while True:
            style = self.rng.randrange(4)
            num = self.rng.randrange(100)
            if style == 0:
                name = f"e{num}"
            elif style == 1:
                name = f"veth{num}"
            elif style == 2:
                sep = self.rng.choice("-_")
                name = f"{self.rng.choice(NAME_WORDS)}{sep}{num}"
            else:
                name = self.rng.choice(string.ascii_lowercase) + "".join(
                    self.rng.choice(NAME_CHARS) for _ in range(14))
            if name not in taken:
                return name

    def ns(self, cmd):
        self.ns_cmds.append(cmd)

    def peer(self, cmd):
        self.peer_cmds.append(cmd)

    def veth(self, name, peer, extra=""):
        """Creates the pair with both ends free of kernel-made link-local
        addresses, and sets the peer up."""
        self.ns(f"link add name {name}{extra} type veth peer name {peer} "
                f"netns {self.peer_ns}")
        self.ns(f"link set dev {name} addrgenmode none")
        self.peer(f"link set dev {peer} addrgenmode none")

    def add_address(self, iface, addr, net):
        """Records ADDR/len(NET) on IFACE and returns its command."""
        self.locals.add(addr)
        if net.version == 4:
            iface.v4.append((addr, net))
            return f"addr add {addr}/{net.prefixlen} dev {iface.name}"
        iface.v6.append((addr, net))
        return f"addr add {addr}/{net.prefixlen} dev {iface.name} nodad"

    def v4_prefix(self):
        """8..32, shorter than /16 only once: a /8 or /12 fills a whole
        base, and the other must keep room for the rest."""
        prefix = self.rng.choice([8, 12, 16, 20, 22, 24, 24, 24, 26, 28, 29,
                                  30, 31, 32, self.rng.randint(8, 32)])
        if prefix < 16:
            if self.wide:
                return prefix + 16
            self.wide = True
        return prefix

    def v6_prefix(self):
        return self.rng.choice([48, 56, 64, 64, 64, 96, 112, 120, 127, 128,
                                self.rng.randint(48, 128)])

    def addresses(self, iface):
        """Commands for IFACE's addresses, in a random order."""
        cmds = []
        for _ in range(self.rng.randint(1, 3)):
            net = self.alloc_any(V4_ADDRESS_BASES, self.v4_prefix())
            cmds.append(self.add_address(iface, self.host(net), net))
        roomy = [n for _, n in iface.v4 if n.prefixlen <= 29]
        if roomy and self.rng.random() < 0.3:
            net = self.rng.choice(roomy)
            addr = self.host(net)
            if addr is not None:
                cmds.append(self.add_address(iface, addr, net))  # secondary
        for _ in range(self.rng.randint(0, 3)):
            net = self.alloc_any([ULA], self.v6_prefix())
            cmds.append(self.add_address(iface, self.host(net), net))
        if self.rng.random() < 0.5:
            cmds.append(self.add_address(iface, self.host(LINK_LOCAL),
                                         LINK_LOCAL))
        self.rng.shuffle(cmds)
        return cmds

    def loopback(self):
        """Sometimes an address more on lo, IPv4 and IPv6."""
        lo = Iface("lo", True)
        if self.rng.random() < 0.4:
            if self.rng.random() < 0.5:
                net = ipaddress.ip_network("127.0.0.0/8")
                self.ns(self.add_address(lo, self.host(net), net))
            else:
                net = self.alloc_any(V4_ADDRESS_BASES, 32)
                self.ns(self.add_address(lo, net.network_address, net))
        if self.rng.random() < 0.2:
            net = self.alloc_any([ULA], 128)
            self.ns(self.add_address(lo, net.network_address, net))

    def gateway(self, iface, version):
        """A random on-link gateway of IFACE for IP VERSION, or None: a
        host of one of its subnets or, for IPv6, a link-local address."""
        nets = [n for _, n in (iface.v4 if version == 4 else iface.v6)
                if n.num_addresses > 2 or (version == 4 and n.prefixlen == 31)]
        if version == 6 and (not nets or self.rng.random() < 0.4):
            nets = [LINK_LOCAL]
        if not nets:
            return None
        return self.host(self.rng.choice(nets))

    def hops(self, up, version, count):
        """COUNT distinct (interface name, gateway) pairs on the up
        interfaces UP, fewer when there are not enough."""
        pairs = set()
        for _ in range(count * 4):
            iface = self.rng.choice(up)
            gw = self.gateway(iface, version)
            if gw is not None:
                pairs.add((iface.name, gw))
            if len(pairs) == count:
                break
        return sorted(pairs)

    def destination(self, version):
        if version == 4:
            return self.alloc_any(V4_ROUTE_BASES,
                                  self.rng.choice([16, 20, 24, 24, 28, 32]))
        return self.alloc_any([ULA],
                              self.rng.choice([40, 48, 64, 64, 96, 128]))

    def metric(self):
        """" metric N" sometimes, else nothing (the kernel's default)."""
        if self.rng.random() < 0.4:
            return f" metric {self.rng.randint(1, 4096)}"
        return ""

    def route(self, dst, hops, metric):
        """A route command: one hop as "via GW dev DEV", several as
        "nexthop" clauses, some with a weight."""
        if len(hops) == 1:
            dev, gw = hops[0]
            return f"route add {dst}{metric} via {gw} dev {dev}"
        clauses = ""
        for dev, gw in hops:
            weight = ""
            if self.rng.random() < 0.5:
                weight = f" weight {self.rng.randint(1, 256)}"
            clauses += f" nexthop via {gw} dev {dev}{weight}"
        return f"route add {dst}{metric}{clauses}"

    def routes(self, up):
        """Route commands for the up interfaces UP, in a random order."""
        cmds = []
        for iface in up:
            for _ in range(self.rng.randint(0, 4)):
                version = self.rng.choice([4, 6])
                dst = self.destination(version)
                gw = self.gateway(iface, version)
                if gw is not None and self.rng.random() < 0.6:
                    cmds.append(self.route(dst, [(iface.name, gw)],
                                           self.metric()))
                else:
                    cmds.append(f"route add {dst}{self.metric()} "
                                f"dev {iface.name}")
        for version in (4, 6):
            if self.rng.random() < 0.3:
                hops = self.hops(up, version, self.rng.randint(2, 3))
                if len(hops) >= 2:
                    cmds.append(self.route(self.destination(version), hops,
                                           self.metric()))
            if self.rng.random() < 0.6:
                count = 1 if self.rng.random() < 0.7 else 2
                hops = self.hops(up, version, count)
                if hops:
                    default = "0.0.0.0/0" if version == 4 else "::/0"
                    cmds.append(self.route(default, hops, self.metric()))
            if self.rng.random() < 0.3:
                cmds.append(f"route add {self.rng.choice(NON_UNICAST)} "
                            f"{self.destination(version)}{self.metric()}")
            if self.rng.random() < 0.3:
                iface = self.rng.choice(up)
                # Tables past 255 travel only in RTA_TABLE (rtm_table
                # says RT_TABLE_COMPAT): both kinds must be left out.
                table = self.rng.choice([self.rng.randint(100, 250),
                                         self.rng.randint(256, 100000)])
                cmds.append(f"route add {self.destination(version)} "
                            f"dev {iface.name} table {table}")
        self.rng.shuffle(cmds)
        return cmds

    def neighbours(self, iface):
        """Commands for IFACE's neighbours: addresses of its subnets or
        link-local ones, permanent or not."""
        dsts = set()
        for _ in range(self.rng.randint(0, 3)):
            if self.rng.random() < 0.5:
                nets = [n for _, n in iface.v4 if n.num_addresses > 2] or \
                    [ipaddress.ip_network("169.254.0.0/16")]
            else:
                nets = [n for _, n in iface.v6 if n.num_addresses > 2] + \
                    [LINK_LOCAL]
            dst = self.host(self.rng.choice(nets))
            if dst is None or dst in dsts:
                continue
            dsts.add(dst)
            nud = "permanent"
            if iface.up and self.rng.random() < 0.4:
                nud = self.rng.choice(OTHER_NUD)
            self.ns(f"neigh add {dst} lladdr {self.mac()} nud {nud} "
                    f"dev {iface.name}")

    def random_config(self):
        names = set()
        count = self.rng.randint(1, 4)
        down = self.rng.randrange(count) if self.rng.random() < 0.4 else None
        ifaces = []
        for i in range(count):
            name = self.ifname(names)
            names.add(name)
            ifaces.append(Iface(name, i != down))
            extra = ""
            if self.rng.random() < 0.5:
                extra += f" address {self.mac()}"
            if self.rng.random() < 0.4:
                extra += f" mtu {self.rng.randint(1280, 9000)}"
            self.veth(name, f"peer{i}", extra)
            if self.rng.random() < 0.9:  # else NO-CARRIER, yet up
                self.peer(f"link set dev peer{i} up")
        up = [i for i in ifaces if i.up]
        for iface in up:
            self.ns(f"link set dev {iface.name} up")
        for iface in ifaces:
            for cmd in self.addresses(iface):
                self.ns(cmd)
        self.loopback()
        if up:
            for cmd in self.routes(up):
                self.ns(cmd)
        for iface in ifaces:
            self.neighbours(iface)

    def bulk_routes(self, count):
        """One up veth with a /16 and COUNT routes through it."""
        self.veth("e0", "peer0")
        self.peer("link set dev peer0 up")
        self.ns("link set dev e0 up")
        iface = Iface("e0", True)
        net = ipaddress.ip_network(f"10.{self.rng.randrange(256)}.0.0/16")
        self.ns(self.add_address(iface, self.host(net), net))
        gateways = {self.host(net) for _ in range(8)} - {None}
        gateways = sorted(gateways)
        base = int(ipaddress.ip_address("172.0.0.0"))
        for slot in self.rng.sample(range(MAX_BULK_ROUTES), count):
            dst = ipaddress.ip_address(base + (slot << 8))
            self.ns(f"route add {dst}/24{self.metric()} "
                    f"via {self.rng.choice(gateways)} dev e0")


def main():
    parser = argparse.ArgumentParser(
        description="Prints ip commands for a random configuration.")
    parser.add_argument("seed", type=int)
    parser.add_argument("nsname")
    parser.add_argument("peerns")
    parser.add_argument("--routes", type=int, metavar="N",
                        help=f"only one veth and N routes "
                             f"(0..{MAX_BULK_ROUTES})")
    args = parser.parse_args()
    gen = Generator(random.Random(args.seed), args.peerns)
    if args.routes is None:
        gen.random_config()
    elif 0 <= args.routes <= MAX_BULK_ROUTES:
        gen.bulk_routes(args.routes)
    else:
        parser.error(f"--routes: 0..{MAX_BULK_ROUTES}")
    out = ([f"NS {c}" for c in gen.ns_cmds] +
           [f"PEER {c}" for c in gen.peer_cmds])
    sys.stdout.write("".join(line + "\n" for line in out))


if __name__ == "__main__":
    main()
