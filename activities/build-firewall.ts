import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { BuildNetwork } from './build-network.js';

const execFileAsync = promisify(execFile);

/** An address and TCP port builds may reach although the rules below would drop it (a package proxy, say). */
export type AllowedHost = { address: string; port: number };
export type FirewallPolicy = {
  allowed: AllowedHost[];
  /**
   * The host's DNS servers (/etc/resolv.conf): Docker's embedded DNS forwards a build's lookups to them from the
   * build's own network namespace, so port 53 to them stays open even inside a blocked range.
   */
  nameservers: string[];
  /** Destinations (CIDR) a build may never reach, besides the host itself and link-local 169.254.0.0/16. */
  blockedRanges: string[];
};

/** Where clouds serve instance credentials and metadata: never reachable from a build. */
export const LINK_LOCAL = '169.254.0.0/16';

/** The chains of one build network: traffic to the host itself (INPUT), and traffic routed onwards (FORWARD). */
export function chainsOf(network: BuildNetwork) {
  return { toHost: `DISPATCH-IN-${network.bridge}`, onwards: `DISPATCH-FW-${network.bridge}` };
}

/** A TCP reset for TCP (a clear "connection refused"), an ICMP refusal for the rest. */
function reject(chain: string, destination?: string): string[][] {
  const to = destination ? ['-d', destination] : [];
  return [
    ['-A', chain, ...to, '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset'],
    ['-A', chain, ...to, '-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited'],
  ];
}

/**
 * The rules, as iptables-restore input: the two chains are declared (which empties them) and filled in one atomic
 * commit, so a worker restarting with a new policy never leaves a moment without rules. Only validated addresses,
 * CIDRs and port numbers reach this text (config.ts parses them).
 */
export function firewallRuleset(network: BuildNetwork, policy: FirewallPolicy): string {
  const { toHost, onwards } = chainsOf(network);
  const allow = (chain: string) =>
    policy.allowed.map((h) => [
      '-A',
      chain,
      '-d',
      `${h.address}/32`,
      '-p',
      'tcp',
      '--dport',
      String(h.port),
      '-j',
      'ACCEPT',
    ]);
  const rules = [
    // The host's own addresses (any of them: a packet from the bridge to a local address goes through INPUT).
    ...allow(toHost),
    ...reject(toHost),
    ...allow(onwards),
    ...policy.nameservers.flatMap((ns) =>
      ['udp', 'tcp'].map((proto) => ['-A', onwards, '-d', `${ns}/32`, '-p', proto, '--dport', '53', '-j', 'ACCEPT']),
    ),
    ...[LINK_LOCAL, ...policy.blockedRanges].flatMap((range) => reject(onwards, range)),
  ];
  return ['*filter', `:${toHost} - [0:0]`, `:${onwards} - [0:0]`, ...rules.map((r) => r.join(' ')), 'COMMIT', ''].join(
    '\n',
  );
}

type Run = (command: string, args: string[], input?: string) => Promise<void>;

const runCommand: Run = async (command, args, input) => {
  if (input === undefined) {
    await execFileAsync(command, args);
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const child = execFile(command, args, (err) => (err ? reject(err) : resolve()));
    child.stdin?.end(input);
  });
};

/** Adds a rule unless it is there already (`-C`), at the top of its chain. */
async function ensureJump(run: Run, chain: string, rule: string[], command = 'iptables'): Promise<void> {
  try {
    await run(command, ['-w', '-C', chain, ...rule]);
  } catch {
    await run(command, ['-w', '-I', chain, '1', ...rule]);
  }
}

/**
 * The build network is IPv4 only, but the kernel still gives its containers IPv6 link-local addresses: the bridge's
 * own IPv6 is turned off (the host answers nothing there) and all IPv6 from the bridge is dropped, to the host and
 * routed or bridged onwards (icc=false covers IPv4 only). A kernel without IPv6 needs neither.
 */
async function closeIpv6(network: BuildNetwork, run: Run): Promise<void> {
  if (!existsSync('/proc/net/if_inet6')) return;
  const sysctl = `/proc/sys/net/ipv6/conf/${network.bridge}/disable_ipv6`;
  if (existsSync(sysctl)) await writeFile(sysctl, '1');
  await ensureJump(run, 'INPUT', ['-i', network.bridge, '-j', 'DROP'], 'ip6tables');
  await ensureJump(run, 'FORWARD', ['-i', network.bridge, '-j', 'DROP'], 'ip6tables');
}

/**
 * Installs the build network's firewall on this host, idempotently: builds may not reach the host, link-local
 * addresses or the blocked ranges, except the allowed hosts; everything else (the package registries) stays open.
 * Forwarded traffic is filtered in DOCKER-USER, the chain Docker keeps for its users and evaluates first.
 */
export async function installBuildFirewall(network: BuildNetwork, policy: FirewallPolicy, run: Run = runCommand) {
  const { toHost, onwards } = chainsOf(network);
  try {
    await run('iptables-restore', ['-w', '--noflush'], firewallRuleset(network, policy));
    await ensureJump(run, 'INPUT', ['-i', network.bridge, '-j', toHost]);
    await ensureJump(run, 'DOCKER-USER', ['-i', network.bridge, '-j', onwards]);
    await closeIpv6(network, run);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(
      `could not install the firewall of the build network ${network.name} (${network.bridge}): ${stderr || String(err)}; ` +
        'the worker needs root (or CAP_NET_ADMIN) in the Docker host network namespace and Docker with iptables on',
      { cause: err },
    );
  }
}

/** The IPv4 nameservers of a resolv.conf text, but loopback ones (a local stub such as systemd-resolved's). */
export function nameserversOf(resolvConf: string): string[] {
  return [...resolvConf.matchAll(/^\s*nameserver\s+(\d{1,3}(?:\.\d{1,3}){3})\s*$/gm)]
    .map((m) => m[1]!)
    .filter((address) => !address.startsWith('127.'));
}
