#!/usr/bin/python3
"""Checks an `xdpwire scrape -j` document against iproute2.

Usage:
    scrape_check.py NSNAME SCRAPE_JSON_FILE [--device DEV]

Validates the document against man/xdpwire-scrape.schema.json, then builds
the document it must equal from `ip -n NSNAME -j ...` (links, addresses,
main-table routes of both families, neighbours) and compares them: every
difference is one line "PATH: want X, got Y" on stderr ("nothing" for an
absent value), and a one-line summary on stdout when there is none.
--device DEV is the option the scrape ran with; it must name an up,
non-loopback interface.

Compared: interfaces (up, not loopback, by ifindex), loopback, skipped and
default_gateways.  Addresses and multipath next hops keep ip's order;
routes and neighbours are compared as sorted lists, since the two
families may be dumped in either order.  A multipath route is listed
under the interface of each hop, with that hop's gateway.  A family's
default gateway is its one unicast default route with a hop on an
interface of "interfaces", with those hops only; interface and gateway are there when one hop is left.  IP
addresses are compared after normalisation.  netns, changed, changes,
version and command are only checked by the schema.

Exit status: 0 when the document matches, 1 when it does not (schema
errors included), 2 on a usage error or when ip fails.
"""

import argparse
import difflib
import ipaddress
import json
import os
import subprocess
import sys

import jsonschema

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "..", "..", "man", "xdpwire-scrape.schema.json")
IP_KEYS = ("address", "destination", "gateway")
ABSENT = object()  # a value that is not there, shown as "nothing"


def die(msg):
    print(f"scrape_check: {msg}", file=sys.stderr)
    sys.exit(2)


def ip_json(ns, *args):
    """The parsed output of `ip -n NS -j ARGS`."""
    cmd = ["ip", "-n", ns, "-j", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        die(f"{' '.join(cmd)}: {proc.stderr.strip()}")
    return json.loads(proc.stdout) if proc.stdout.strip() else []


def canon_ip(text):
    """TEXT as ipaddress writes it, or unchanged when it is no address."""
    try:
        return ipaddress.ip_address(text).compressed
    except ValueError:
        return text


def canon(value):
    """VALUE with every address, destination and gateway normalised."""
    if isinstance(value, list):
        return [canon(v) for v in value]
    if isinstance(value, dict):
        return {k: canon_ip(v) if k in IP_KEYS and isinstance(v, str)
                else canon(v) for k, v in value.items()}
    return value


def family_of(addr):
    return "inet" if ipaddress.ip_address(addr).version == 4 else "inet6"


def hops_of(route):
    """A route's next hops as (dev, gateway or None, weight)."""
    if "nexthops" in route:
        return [(h["dev"], h.get("gateway"), h.get("weight", 1))
                for h in route["nexthops"]]
    return [(route.get("dev"), route.get("gateway"), 1)]


def address(info):
    return {"family": info["family"], "address": canon_ip(info["local"]),
            "prefix_len": info["prefixlen"], "scope": info["scope"]}


def expected(ns, device):
    """The document scrape must print for NS, as far as it is compared."""
    doc = {"interfaces": [], "loopback": [], "skipped": [],
           "default_gateways": {"ipv4": None, "ipv6": None}}
    add_links(doc, ns, device)
    by_name = {i["name"]: i for i in doc["interfaces"]}
    for family, key, flag in (("inet", "ipv4", "-4"), ("inet6", "ipv6", "-6")):
        routes = ip_json(ns, flag, "route", "show", "table", "main")
        doc["default_gateways"][key] = add_routes(by_name, family, routes)
    for neigh in ip_json(ns, "neigh", "show"):
        if ("PERMANENT" in neigh.get("state", [])
                and neigh.get("dev") in by_name):
            lladdr = neigh.get("lladdr")
            by_name[neigh["dev"]]["neighbors"].append({
                "family": family_of(neigh["dst"]),
                "address": canon_ip(neigh["dst"]),
                "link_address": lladdr.lower() if lladdr else None})
    return doc


def add_links(doc, ns, device):
    """Fills DOC's interfaces (with their addresses), loopback and
    skipped."""
    links = sorted(ip_json(ns, "-d", "link", "show"),
                   key=lambda link: link["ifindex"])
    addr_info = {a["ifindex"]: a.get("addr_info", [])
                 for a in ip_json(ns, "addr", "show")}
    if device is not None and not any(
            link["ifname"] == device and "UP" in link["flags"]
            and "LOOPBACK" not in link["flags"] for link in links):
        die(f"--device {device}: not an up, non-loopback interface of {ns}")
    for link in links:
        name, ifindex = link["ifname"], link["ifindex"]
        addrs = [address(a) for a in addr_info.get(ifindex, [])]
        if "UP" not in link["flags"]:
            doc["skipped"].append(
                {"name": name, "ifindex": ifindex, "reason": "down"})
        elif "LOOPBACK" in link["flags"]:
            doc["loopback"].append({
                "name": name, "ifindex": ifindex, "addresses": addrs,
                "routes": [loopback_route(a) for a in addrs]})
        elif device is not None and name != device:
            doc["skipped"].append({"name": name, "ifindex": ifindex,
                                   "reason": "not the --device"})
        else:
            lladdr = link.get("address")
            doc["interfaces"].append({
                "name": name, "ifindex": ifindex, "mtu": link["mtu"],
                "link_address": lladdr.lower() if lladdr else None,
                "addresses": addrs, "routes": [], "neighbors": []})


def add_routes(by_name, family, routes):
    """Adds FAMILY's unicast ROUTES to the interfaces of BY_NAME they go
    through, one entry per hop; returns the default_gateways entry: the
    default route with a hop on one of the interfaces, or None.  Two such
    routes are a configuration scrape refuses, which this check does not
    cover."""
    defaults = []
    for route in routes:
        if route.get("type", "unicast") != "unicast":
            continue
        hops = [h for h in hops_of(route) if h[0] in by_name]
        if route["dst"] == "default":
            if hops:
                defaults.append((route, hops))
            continue
        dst = ipaddress.ip_network(route["dst"], strict=False)
        for dev, gateway, _ in hops:
            entry = {"family": family,
                     "destination": dst.network_address.compressed,
                     "prefix_len": dst.prefixlen,
                     "metric": route.get("metric", 0)}
            if gateway is not None:
                entry["gateway"] = canon_ip(gateway)
            by_name[dev]["routes"].append(entry)
    if len(defaults) > 1:
        die(f"{len(defaults)} {family} default routes: scrape refuses "
            "those, compare only configurations it accepts")
    return default_gateway(*defaults[0]) if defaults else None


def loopback_route(addr):
    net = ipaddress.ip_interface(
        f"{addr['address']}/{addr['prefix_len']}").network
    return {"family": addr["family"],
            "destination": net.network_address.compressed,
            "prefix_len": addr["prefix_len"]}


def default_gateway(route, hops):
    """The default_gateways entry for ROUTE, HOPS being its hops on the
    interfaces: interface and gateway are there when a single one is
    left."""
    entry = {"metric": route.get("metric", 0), "nexthops": []}
    for dev, gateway, weight in hops:
        hop = {"interface": dev, "weight": weight}
        if gateway is not None:
            hop["gateway"] = canon_ip(gateway)
        entry["nexthops"].append(hop)
    if len(hops) == 1:
        entry["interface"] = hops[0][0]
        if hops[0][1] is not None:
            entry["gateway"] = canon_ip(hops[0][1])
    return entry


class Differ:
    """Collects "PATH: want X, got Y" lines."""

    def __init__(self):
        self.lines = []

    def note(self, path, want, got):
        self.lines.append(f"{path}: want {show(want)}, got {show(got)}")

    def value(self, path, want, got):
        """Compares scalars, objects field by field, lists in order."""
        if isinstance(want, dict) and isinstance(got, dict):
            for key in sorted(want.keys() | got.keys()):
                self.value(f"{path}.{key}", want.get(key, ABSENT),
                           got.get(key, ABSENT))
        elif isinstance(want, list) and isinstance(got, list):
            self.ordered(path, want, got)
        elif want != got or type(want) is not type(got):
            self.note(path, want, got)

    def ordered(self, path, want, got, label=None):
        """Compares two lists item by item, after lining up the equal
        ones, so that one missing item is one line.  LABEL(item) names an
        item in the path, else its index."""
        def name(items, i):
            return f"{path}[{label(items[i]) if label else i}]"
        keys = [[json.dumps(v, sort_keys=True) for v in side]
                for side in (want, got)]
        matcher = difflib.SequenceMatcher(None, *keys, autojunk=False)
        for op, w1, w2, g1, g2 in matcher.get_opcodes():
            if op == "equal":
                continue
            pairs = min(w2 - w1, g2 - g1)
            for k in range(pairs):
                self.value(name(want, w1 + k), want[w1 + k], got[g1 + k])
            for w in range(w1 + pairs, w2):
                self.note(name(want, w), want[w], ABSENT)
            for g in range(g1 + pairs, g2):
                self.note(name(got, g), ABSENT, got[g])

    def unordered(self, path, want, got, label):
        """Compares two lists as multisets: both sorted, then in order."""
        def key(item):
            addr = item.get("destination", item.get("address", ""))
            return item["family"], addr, json.dumps(item, sort_keys=True)
        self.ordered(path, sorted(want, key=key), sorted(got, key=key), label)

    def by_ifindex(self, path, want, got, compare):
        """Lists of objects with an ifindex: sorted by it, none missing
        or extra, each compared with COMPARE(path, want, got)."""
        order = [g["ifindex"] for g in got]
        if order != sorted(set(order)):
            self.note(f"{path} ifindexes", sorted(set(order)), order)
        got_by = {g["ifindex"]: g for g in got}
        want_by = {w["ifindex"]: w for w in want}
        for ifindex in sorted(want_by.keys() | got_by.keys()):
            w, g = want_by.get(ifindex, ABSENT), got_by.get(ifindex, ABSENT)
            where = f"{path}[{(w if w is not ABSENT else g)['name']}]"
            if w is ABSENT or g is ABSENT:
                self.note(where, w, g)
            else:
                compare(where, w, g)

    def interface(self, path, want, got):
        self.fields(path, want, got, ("addresses", "routes", "neighbors"))
        self.ordered(f"{path}.addresses", want["addresses"],
                     got["addresses"])
        self.unordered(f"{path}.routes", want["routes"], got["routes"],
                       route_label)
        self.unordered(f"{path}.neighbors", want["neighbors"],
                       got["neighbors"], lambda n: n["address"])

    def loopback(self, path, want, got):
        self.fields(path, want, got, ("addresses", "routes"))
        self.ordered(f"{path}.addresses", want["addresses"],
                     got["addresses"])
        self.unordered(f"{path}.routes", want["routes"], got["routes"],
                       route_label)

    def fields(self, path, want, got, lists):
        """Compares the fields of two objects but the lists LISTS."""
        self.value(path, {k: v for k, v in want.items() if k not in lists},
                   {k: v for k, v in got.items() if k not in lists})


def show(value):
    if value is ABSENT:
        return "nothing"
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def route_label(route):
    label = f"{route['destination']}/{route['prefix_len']}"
    if "metric" in route:
        label += f" metric {route['metric']}"
    return label


def compare(want, got):
    """The differences between the expected document and the scrape's."""
    diff = Differ()
    diff.by_ifindex("interfaces", want["interfaces"], got["interfaces"],
                    diff.interface)
    diff.by_ifindex("loopback", want["loopback"], got["loopback"],
                    diff.loopback)
    diff.by_ifindex("skipped", want["skipped"], got["skipped"], diff.value)
    for key in ("ipv4", "ipv6"):
        diff.value(f"default_gateways.{key}", want["default_gateways"][key],
                   got["default_gateways"][key])
    return diff.lines


def summary(doc):
    ifaces = doc["interfaces"]
    gateways = [k for k, v in doc["default_gateways"].items() if v]
    return (f"scrape matches ip: {len(ifaces)} interfaces, "
            f"{sum(len(i['addresses']) for i in ifaces)} addresses, "
            f"{sum(len(i['routes']) for i in ifaces)} routes, "
            f"{sum(len(i['neighbors']) for i in ifaces)} neighbours, "
            f"{len(doc['loopback'])} loopback, "
            f"default gateways: {' '.join(gateways) or 'none'}, "
            f"{len(doc['skipped'])} skipped")


def main():
    parser = argparse.ArgumentParser(
        description="Checks an xdpwire scrape document against ip.")
    parser.add_argument("nsname")
    parser.add_argument("scrape_json_file")
    parser.add_argument("--device", metavar="DEV")
    args = parser.parse_args()

    try:
        with open(args.scrape_json_file, encoding="utf-8") as f:
            got = json.load(f)
    except OSError as e:
        die(str(e))
    except ValueError as e:
        print(f"{args.scrape_json_file}: not JSON: {e}", file=sys.stderr)
        return 1
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    errors = sorted(
        ("schema" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                            for p in error.absolute_path), error.message)
        for error in jsonschema.Draft202012Validator(schema).iter_errors(got))
    for path, message in errors:
        print(f"{path}: {message}", file=sys.stderr)
    if errors:
        return 1

    want = expected(args.nsname, args.device)
    lines = compare(want, canon(got))
    for line in lines:
        print(line, file=sys.stderr)
    if lines:
        return 1
    print(summary(want))
    return 0


if __name__ == "__main__":
    sys.exit(main())
