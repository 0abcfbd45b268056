import type Docker from 'dockerode';
import ipaddr from 'ipaddr.js';
import { networkInterfaces } from 'node:os';

/** What the service needs to know of a Docker bridge network: its name, Linux interface and the host's address on it. */
export type BuildNetwork = { name: string; id: string; bridge: string; subnet: string; hostAddress: string };

/** The fields of `GET /networks/{id}` this file reads; Docker versions differ in which of them they fill in. */
export type NetworkInspect = {
  Id: string;
  Name: string;
  Options?: Record<string, string>;
  IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string }> | null };
};

type Interfaces = ReturnType<typeof networkInterfaces>;

/** The Linux bridge behind a Docker network: named in its options, else Docker's own `br-<id prefix>`. */
export function bridgeInterfaceOf(network: NetworkInspect): string {
  const named = network.Options?.['com.docker.network.bridge.name'];
  if (named) return named;
  return network.Name === 'bridge' ? 'docker0' : `br-${network.Id.slice(0, 12)}`;
}

function ipv4Subnet(network: NetworkInspect): { cidr: string; gateway?: string } | undefined {
  for (const config of network.IPAM?.Config ?? []) {
    if (!config.Subnet || !ipaddr.IPv4.isValidCIDR(config.Subnet)) continue;
    return { cidr: config.Subnet, gateway: config.Gateway || undefined };
  }
  return undefined;
}

/**
 * The address containers on this network reach the host at. Docker 20.10 does not always print `Gateway` in
 * `IPAM.Config` (the default bridge on some machines holds only `Subnet`), so: the Gateway when present, else the
 * bridge interface's own IPv4 address inside the subnet, else the subnet's first host (where Docker puts the gateway).
 */
export function hostAddressOf(network: NetworkInspect, interfaces: Interfaces = networkInterfaces()): string {
  const subnet = ipv4Subnet(network);
  if (!subnet) {
    throw new Error(
      `Docker network ${network.Name} has no IPv4 subnet in IPAM.Config, so the host's address on it is unknown`,
    );
  }
  if (subnet.gateway) return subnet.gateway;
  const range = ipaddr.IPv4.parseCIDR(subnet.cidr);
  const own = (interfaces[bridgeInterfaceOf(network)] ?? []).find(
    (a) => a.family === 'IPv4' && ipaddr.IPv4.parse(a.address).match(range),
  );
  if (own) return own.address;
  if (range[1] > 30) throw new Error(`Docker network ${network.Name}'s subnet ${subnet.cidr} has no room for a host`);
  const first = ipaddr.IPv4.networkAddressFromCIDR(subnet.cidr).toByteArray();
  first[3] = first[3]! + 1;
  return ipaddr.fromByteArray(first).toString();
}

function describeNetwork(network: NetworkInspect, interfaces?: Interfaces): BuildNetwork {
  return {
    name: network.Name,
    id: network.Id,
    bridge: bridgeInterfaceOf(network),
    subnet: ipv4Subnet(network)?.cidr ?? '',
    hostAddress: hostAddressOf(network, interfaces),
  };
}

/** A network of that name made by someone else, with traffic between its containers on, is not a build network. */
function refuseOpen(network: NetworkInspect): NetworkInspect {
  if (network.Options?.['com.docker.network.bridge.enable_icc'] !== 'false') {
    throw new Error(
      `Docker network ${network.Name} lets its containers reach each other (enable_icc is not false): remove it, ` +
        'and the worker creates it as builds need it, or set BUILD_NETWORK to another name',
    );
  }
  return network;
}

/**
 * The network builds run on, created when missing: a bridge of the service's own with traffic between its
 * containers off (a build cannot reach another build). Idempotent; two workers racing both end with the one network.
 */
export async function ensureBuildNetwork(docker: Docker, name: string): Promise<BuildNetwork> {
  const inspect = async () => (await docker.getNetwork(name).inspect()) as NetworkInspect;
  try {
    return describeNetwork(refuseOpen(await inspect()));
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  try {
    await docker.createNetwork({
      Name: name,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: { 'io.dispatchframework.build-network': 'true' },
      Options: { 'com.docker.network.bridge.enable_icc': 'false' },
    });
  } catch (err) {
    // Another worker created it between our inspect and create.
    if ((err as { statusCode?: number }).statusCode !== 409) throw err;
  }
  return describeNetwork(await inspect());
}
