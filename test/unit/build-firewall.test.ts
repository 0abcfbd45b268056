import { describe, expect, it } from 'vitest';
import { firewallRuleset, nameserversOf } from '../../activities/build-firewall.js';

const network = {
  name: 'dispatch-build',
  id: 'x',
  bridge: 'br-0123456789ab',
  subnet: '172.18.0.0/16',
  hostAddress: '172.18.0.1',
};

describe('the build firewall', () => {
  const rules = firewallRuleset(network, {
    allowed: [{ address: '172.18.0.1', port: 3128 }],
    blockedRanges: ['10.0.0.0/8'],
    nameservers: ['10.255.255.53'],
  }).split('\n');

  it('declares (and so empties) its two chains and commits them at once', () => {
    expect(rules[0]).toBe('*filter');
    expect(rules).toContain(':DISPATCH-IN-br-0123456789ab - [0:0]');
    expect(rules).toContain(':DISPATCH-FW-br-0123456789ab - [0:0]');
    expect(rules.at(-2)).toBe('COMMIT');
  });

  it('admits the allow list before refusing everything else to the host', () => {
    const toHost = rules.filter((r) => r.startsWith('-A DISPATCH-IN-'));
    expect(toHost[0]).toBe('-A DISPATCH-IN-br-0123456789ab -d 172.18.0.1/32 -p tcp --dport 3128 -j ACCEPT');
    expect(toHost.slice(1)).toEqual([
      '-A DISPATCH-IN-br-0123456789ab -p tcp -j REJECT --reject-with tcp-reset',
      '-A DISPATCH-IN-br-0123456789ab -j REJECT --reject-with icmp-admin-prohibited',
    ]);
  });

  it("keeps DNS to the host's nameservers open ahead of the blocked ranges", () => {
    const dns = rules.findIndex((r) => r.includes('-d 10.255.255.53/32 -p udp --dport 53 -j ACCEPT'));
    const blocked = rules.findIndex((r) => r.includes('-d 10.0.0.0/8'));
    expect(dns).toBeGreaterThan(0);
    expect(dns).toBeLessThan(blocked);
    expect(nameserversOf('# x\nnameserver 10.255.255.53\nnameserver 127.0.0.53\nnameserver ::1\nsearch x\n')).toEqual([
      '10.255.255.53',
    ]);
  });

  it('refuses link-local and the blocked ranges on the way out, and nothing else', () => {
    const onwards = rules.filter((r) => r.startsWith('-A DISPATCH-FW-') && r.includes('REJECT'));
    expect(onwards.map((r) => r.split(' ')[3])).toEqual([
      '169.254.0.0/16',
      '169.254.0.0/16',
      '10.0.0.0/8',
      '10.0.0.0/8',
    ]);
  });
});
