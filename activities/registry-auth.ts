import type Docker from 'dockerode';

/** Credentials for pulling `ref`, when any are needed: only references on the service's own registry get them. */
export type PullAuth = (ref: string) => Docker.AuthConfig | undefined;

export function pullAuthFor(registry: string, auth: { username: string; password: string }): PullAuth {
  return (ref) => (auth.username && ref.startsWith(`${registry}/`) ? { ...auth, serveraddress: registry } : undefined);
}

/** Never asks for credentials (tests of pure code, public images). */
export const noPullAuth: PullAuth = () => undefined;
