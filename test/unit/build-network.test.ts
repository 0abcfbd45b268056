import { describe, expect, it } from 'vitest';
import { bridgeInterfaceOf, hostAddressOf, type NetworkInspect } from '../../activities/build-network.js';

// Two shapes of `docker network inspect`'s IPAM config seen on Debian's docker.io 20.10: with and without Gateway.
const withGateway: NetworkInspect = {
  Id: '0123456789abcdef',
  Name: 'dispatch-build',
  IPAM: { Config: [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] },
};
const subnetOnly: NetworkInspect = {
  Id: 'feedfacecafe0000',
  Name: 'bridge',
  Options: { 'com.docker.network.bridge.name': 'docker0' },
  IPAM: { Config: [{ Subnet: '172.17.0.0/16' }] },
};
const iface = (address: string) => ({
  address,
  netmask: '255.255.0.0',
  family: 'IPv4' as const,
  mac: '02:42:00:00:00:00',
  internal: false,
  cidr: `${address}/16`,
});

describe('the address builds reach the host at', () => {
  it('is the Gateway when Docker prints one', () => {
    expect(hostAddressOf(withGateway, {})).toBe('172.18.0.1');
  });

  it("is the bridge interface's address inside the subnet when there is no Gateway field", () => {
    expect(hostAddressOf(subnetOnly, { docker0: [iface('10.9.9.9'), iface('172.17.42.1')] })).toBe('172.17.42.1');
  });

  it("is the subnet's first host when neither the Gateway nor the interface is known", () => {
    expect(hostAddressOf(subnetOnly, {})).toBe('172.17.0.1');
    expect(hostAddressOf({ ...subnetOnly, IPAM: { Config: [{ Subnet: '10.20.30.64/26' }] } }, {})).toBe('10.20.30.65');
  });

  it('skips IPv6 subnets', () => {
    const dual = {
      ...subnetOnly,
      IPAM: { Config: [{ Subnet: 'fd00::/64', Gateway: 'fd00::1' }, { Subnet: '172.17.0.0/16' }] },
    };
    expect(hostAddressOf(dual, {})).toBe('172.17.0.1');
  });

  it('fails at once, naming the network, when there is no IPv4 subnet', () => {
    expect(() => hostAddressOf({ ...withGateway, IPAM: { Config: null } }, {})).toThrow(
      'Docker network dispatch-build has no IPv4 subnet',
    );
  });

  it("names the Linux bridge from the network's options, else Docker's br-<id>", () => {
    expect(bridgeInterfaceOf(subnetOnly)).toBe('docker0');
    expect(bridgeInterfaceOf(withGateway)).toBe('br-0123456789ab');
  });
});
