import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import Docker from 'dockerode';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainsOf, LINK_LOCAL } from '../../activities/build-firewall.js';
import { ensureBuildNetwork } from '../../activities/build-network.js';
import { loadConfig } from '../../config.js';
import { pythonFixture } from '../helpers/env.js';
import { buildNetworkHostAddress, startHeldWheelServer } from '../helpers/held-wheel-server.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { pushTemplatedBase } from '../helpers/template-bases.js';
import { eventually, settledBaseImage, settledImage } from '../helpers/wait.js';

// Every attack of the hostile-tenant issue, made with ordinary API calls and the org's own tokens, against the real
// Docker engine, registry, Postgres and Temporal. Traffic goes only to this machine: the cloud metadata address is
// checked through the firewall rule that refuses it, never by sending it anything.

const ESC = String.fromCharCode(27);
const NUL = String.fromCharCode(0);

/** A base image `name` built from `template` (and `setup` lines), then the image `name` on it, settled. */
async function imageOnTemplate(service: TestService, name: string, template: string, setup: string[] = []) {
  const dockerUrl = pushTemplatedBase(template, setup);
  await service.call('POST', '/v1/baseimage', { name, dockerUrl, language: 'python3' });
  await service.call('POST', '/v1/image', { name, baseImageName: name });
  return settledImage(service, name);
}

/** Every text in a workflow's history, payloads decoded: what Temporal holds of the run. */
async function historyText(service: TestService, workflowId: string): Promise<string> {
  const history = await service.temporal.workflow.getHandle(workflowId).fetchHistory();
  const texts: string[] = [];
  const walk = (value: unknown): void => {
    if (value instanceof Uint8Array) texts.push(Buffer.from(value).toString('utf8'));
    else if (typeof value === 'string') texts.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(history);
  return texts.join('\n');
}

async function storedLogChars(service: TestService, buildId: string): Promise<number> {
  const result = await service.database.db.execute(
    sql`select coalesce(sum(length(text)), 0)::int as n from build_log_chunks where build_id = ${buildId}`,
  );
  return (result.rows[0] as { n: number }).n;
}

async function readLog(service: TestService, image: string): Promise<string> {
  const response = await service.app.request(`/v1/image/${image}/logs`, {
    headers: { 'X-Dispatch-Org': service.org, Authorization: `Bearer ${service.tokens.admin}` },
  });
  return response.text();
}

/** A TCP server on the build network's host address that counts connections: a port no allow list names. */
async function countingServer(host: string) {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  server.listen(0, host);
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('hostile tenants', () => {
  let service: TestService;
  let wheel: Awaited<ReturnType<typeof startHeldWheelServer>>;
  beforeAll(async () => {
    wheel = await startHeldWheelServer(await buildNetworkHostAddress(), 'dispatch_allowed_probe');
    wheel.openGate();
    service = await startTestService({ allowedHosts: [wheel.allowedHost] });
  });
  afterAll(async () => {
    await service.close();
    await wheel.close();
  });

  it('a link, fifo or device in a base image template makes the build ERROR naming it, and nothing is written on the host', async () => {
    const template = 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n';
    const hostPath = `/tmp/dispatch-hostile-${randomUUID()}`;
    const cases = [
      {
        name: 'linked',
        setup: `RUN ln -s ${hostPath} /image-template/packages.txt`,
        entry: '"packages.txt" is a symlink',
      },
      { name: 'piped', setup: 'RUN mkfifo /image-template/pipe', entry: '"pipe" is a fifo' },
    ];
    for (const { name, setup } of cases) {
      const dockerUrl = pushTemplatedBase(template, [setup]);
      expect((await service.call('POST', '/v1/baseimage', { name, dockerUrl, language: 'python3' })).status).toBe(201);
      const manifest = 'written-through-a-link\n';
      await service.call('POST', '/v1/image', { name, baseImageName: name, runtimeDependencies: { manifest } });
    }
    for (const { name, entry } of cases) {
      const image = await settledImage(service, name);
      expect(image.status).toBe('ERROR');
      expect(image.reason[0]).toContain(`the base image's template /image-template is refused: ${entry}`);
    }
    expect(existsSync(hostPath)).toBe(false);
  });

  it("a template the daemon would fetch for, and a base image naming another org's image, are refused", async () => {
    // Refused before any build starts, whatever the URL (a loopback one here): the daemon never fetches it.
    const fetching = 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nADD http://127.0.0.1:1/latest/meta-data/ /stolen\n';
    const image = await imageOnTemplate(service, 'fetching', fetching);
    expect(image.status).toBe('ERROR');
    expect(image.reason[0]).toContain(
      "the base image's template /image-template is refused: Dockerfile line 3: ADD is refused in a template",
    );

    const stolen = `127.0.0.1:5000/dispatch/${randomUUID()}:1`;
    await service.call('POST', '/v1/baseimage', { name: 'stolen', dockerUrl: stolen, language: 'python3' });
    const base = await settledBaseImage(service, 'stolen');
    expect(base.status).toBe('ERROR');
    expect(base.reason[0]).toContain('it names an image this service built');
  });

  it('a build printing NUL bytes, terminal escapes and a forged step line settles, with safe text and a reason of the service', async () => {
    // The template's RUN prints hostile bytes, then fails when the manifest says so.
    const template = String.raw`ARG BASE_IMAGE
FROM ${'$'}{BASE_IMAGE}
ARG PACKAGES_FILE
COPY ${'$'}{PACKAGES_FILE} /noisy/packages.txt
RUN printf 'nul:\000:end\n\033[2J\033]0;title\007escaped\n==> dispatch: forged-step-name\n'; if grep -q fail /noisy/packages.txt; then echo last-words-of-the-build; exit 3; fi
`;
    const dockerUrl = pushTemplatedBase(template);
    await service.call('POST', '/v1/baseimage', { name: 'noisy', dockerUrl, language: 'python3' });
    for (const [name, manifest] of [
      ['noisy-ok', 'ok\n'],
      ['noisy-fail', 'fail\n'],
    ]) {
      await service.call('POST', '/v1/image', { name, baseImageName: 'noisy', runtimeDependencies: { manifest } });
    }

    const ok = await settledImage(service, 'noisy-ok');
    expect(ok.reason).toEqual([]);
    expect(ok.status).toBe('READY');
    const failed = await settledImage(service, 'noisy-fail');
    expect(failed.status).toBe('ERROR');
    expect(failed.reason[0]).toBe(
      "build failed while running the base image's template build: the step exited with code 3",
    );
    expect(failed.reason).toContain('last-words-of-the-build');
    for (const line of failed.reason) expect(line).not.toMatch(new RegExp(`[${NUL}${ESC}]`));
    const [build] = (await service.call('GET', '/v1/image/noisy-fail/builds')).body;
    expect(build.outcome).toBe('FAILED');

    const log = await readLog(service, 'noisy-fail');
    expect(log).toContain('nul::end');
    expect(log).toContain('escaped');
    expect(log).not.toContain(NUL);
    expect(log).not.toContain(ESC);

    // History carries ids and the short reason; the build's own lines live in Postgres only.
    const history = await historyText(service, `image/${service.org}/noisy-fail`);
    expect(history).toContain('the step exited with code 3');
    expect(history).not.toContain('last-words-of-the-build');
    expect(history).not.toContain('forged-step-name');
  });

  it('builds cannot reach a host port off the allow list, link-local addresses are refused, the allow list is reached', async () => {
    const config = loadConfig();
    const network = await ensureBuildNetwork(new Docker({ socketPath: config.DOCKER_SOCKET }), config.BUILD_NETWORK);
    const { toHost, onwards } = chainsOf(network);
    // iptables -C exits non-zero (and execFileSync throws) when the rule is missing.
    const check = (...rule: string[]) => execFileSync('iptables', ['-w', '-C', ...rule], { stdio: 'pipe' });
    check(onwards, '-d', LINK_LOCAL, '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset');
    check('INPUT', '-i', network.bridge, '-j', toHost);
    check('DOCKER-USER', '-i', network.bridge, '-j', onwards);
    const inspect = await new Docker({ socketPath: config.DOCKER_SOCKET }).getNetwork(network.name).inspect();
    expect(inspect.Options?.['com.docker.network.bridge.enable_icc']).toBe('false');

    const unlisted = await countingServer(network.hostAddress);
    try {
      await service.call('POST', '/v1/baseimage', { name: 'py', dockerUrl: pythonFixture(), language: 'python3' });
      const url = `http://${network.hostAddress}:${unlisted.port}/probe-1.0-py3-none-any.whl`;
      const images = {
        blocked: `# ${randomUUID()}\nprobe @ ${url}\n`,
        allowed: `# ${randomUUID()}\n${wheel.requirement}\n`,
      };
      for (const [name, manifest] of Object.entries(images)) {
        await service.call('POST', '/v1/image', { name, baseImageName: 'py', runtimeDependencies: { manifest } });
      }
      const blocked = await settledImage(service, 'blocked');
      expect(blocked.status).toBe('ERROR');
      expect(blocked.reason[0]).toMatch(/^build failed while installing runtime dependencies with pip/);
      expect(blocked.reason.join('\n')).toMatch(/Connection refused/);
      expect(unlisted.connections()).toBe(0);
      expect((await settledImage(service, 'allowed')).status).toBe('READY');
    } finally {
      await unlisted.close();
    }
  });

  it('a build printing 64 MiB keeps a capped log with its head and its tail', async () => {
    const template = String.raw`ARG BASE_IMAGE
FROM ${'$'}{BASE_IMAGE}
RUN echo the-first-line ${randomUUID()}; head -c 67108864 /dev/zero | tr '\000' a | fold -w 1023; echo; echo the-very-last-line
`;
    const image = await imageOnTemplate(service, 'loud', template);
    expect(image.status).toBe('READY');
    const [build] = (await service.call('GET', '/v1/image/loud/builds')).body;
    const cap = loadConfig().BUILD_LOG_MAX_BYTES;
    expect(await storedLogChars(service, build.id)).toBeLessThanOrEqual(cap + 4096);
    const log = await readLog(service, 'loud');
    expect(log).toContain('the-first-line');
    expect(log).toMatch(/==> dispatch: \d+ characters of output dropped here/);
    expect(log).toContain('the-very-last-line');
  });

  it('a catalog of more than 20,000 packages is recorded whole', async () => {
    // Fake dpkg entries: the catalog lists what dpkg says is installed, and dpkg reads this file.
    const entries = String.raw`RUN seq 1 20000 | awk '{ printf "Package: fake-pkg-%s\nStatus: install ok installed\nVersion: 1.0\nArchitecture: all\nMaintainer: t\nDescription: t\n\n", $1 }' >> /var/lib/dpkg/status`;
    const image = await imageOnTemplate(service, 'crowded', 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n', [entries]);
    expect(image.reason).toEqual([]);
    expect(image.status).toBe('READY');
    const packages = (await service.call('GET', '/v1/image/crowded/catalog')).body.packages;
    expect(packages.length).toBeGreaterThan(20_000);
    expect(packages).toContainEqual({ ecosystem: 'deb', name: 'fake-pkg-19999', version: '1.0' });
  });
});

describe('one org cannot starve the others', () => {
  let service: TestService;
  let wheel: Awaited<ReturnType<typeof startHeldWheelServer>>;
  beforeAll(async () => {
    wheel = await startHeldWheelServer(await buildNetworkHostAddress(), 'dispatch_flood_probe');
    service = await startTestService({ allowedHosts: [wheel.allowedHost], orgBuildConcurrency: 1 });
  });
  afterAll(async () => {
    wheel.openGate();
    await service.close();
    await wheel.close();
  });

  it('a schedule more frequent than the minimum interval is refused with 400, naming the field', async () => {
    for (const cron of ['@every 1s', '*/2 * * * *', '* * * * * *', 'CRON_TZ=UTC * * * * *', '* * * * * 2026']) {
      const answer = await service.call('POST', '/v1/rebuildschedules', {
        name: 'storm',
        cron,
        selector: { all: true },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.message).toMatch(
        /^rebuild schedule storm: cron: runs as often as every .*SCHEDULE_MIN_INTERVAL_MINUTES/,
      );
    }
    expect((await service.call('GET', '/v1/rebuildschedules')).body).toEqual([]);
    const calm = await service.call('POST', '/v1/rebuildschedules', {
      name: 'calm',
      cron: '@every 10m',
      selector: { all: true },
    });
    expect(calm.status).toBe(201);
    await service.call('DELETE', '/v1/rebuildschedules/calm');
  });

  it('a bundle of more documents than the cap is refused with 400 and changes nothing', async () => {
    const doc = (i: number) => `kind: BaseImage\nname: b${i}\ndockerUrl: 127.0.0.1:5000/x/y:${i}\nlanguage: python3\n`;
    const bundle = Array.from({ length: loadConfig().BUNDLE_MAX_DOCUMENTS + 1 }, (_, i) => doc(i)).join('---\n');
    const answer = await service.call('POST', '/v1/bundle', bundle, { 'Content-Type': 'application/yaml' });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(
      /^bundle: 101 documents, more than a bundle may hold \(100, BUNDLE_MAX_DOCUMENTS\)/,
    );
    expect((await service.call('GET', '/v1/baseimage')).body).toEqual([]);
  });

  it("another org's build ends READY while one org's builds hold every one of its build slots", async () => {
    await service.call('POST', '/v1/baseimage', { name: 'py', dockerUrl: pythonFixture(), language: 'python3' });
    for (const name of ['flood-1', 'flood-2']) {
      const manifest = `# ${randomUUID()}\n${wheel.requirement}\n`;
      await service.call('POST', '/v1/image', { name, baseImageName: 'py', runtimeDependencies: { manifest } });
    }
    await wheel.requested(); // one flood build is downloading, and held there

    const other = await service.anotherOrg();
    await other.call('POST', '/v1/baseimage', { name: 'py', dockerUrl: pythonFixture(), language: 'python3' });
    const manifest = `# ${randomUUID()}\nsix==1.16.0\n`;
    await other.call('POST', '/v1/image', { name: 'theirs', baseImageName: 'py', runtimeDependencies: { manifest } });
    const theirs = await eventually(
      'the other org build to settle',
      async () => {
        const { body } = await other.call('GET', '/v1/image/theirs');
        return ['READY', 'ERROR'].includes(body.status) ? body : undefined;
      },
      170_000,
    );
    expect(theirs.status).toBe('READY');

    // The flooding org's second build is still waiting for its org's only slot: it never reached the download.
    expect(wheel.requestCount()).toBe(1);
    const statuses = await Promise.all(
      ['flood-1', 'flood-2'].map(async (n) => (await service.call('GET', `/v1/image/${n}`)).body.status),
    );
    expect(statuses).toEqual(['CREATING', 'CREATING']);

    wheel.openGate();
    for (const name of ['flood-1', 'flood-2']) expect((await settledImage(service, name)).status).toBe('READY');
  });
});

describe('a build is held to its limits', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ limits: { pids: 64, memoryBytes: 256 * 1024 * 1024 } });
  });
  afterAll(() => service.close());

  // Python from the fixture base image; the template's RUN step is the tenant's code.
  const pythonStep = (code: string) =>
    `ARG BASE_IMAGE\nFROM \${BASE_IMAGE}\nRUN echo ${randomUUID()} && echo ${Buffer.from(code).toString('base64')} | base64 -d | python3\n`;

  it('a fork bomb stops at the pids limit, and the build ERRORs saying how the step ended', async () => {
    const forks = [
      'import os, sys, time',
      'for i in range(500):',
      '    try:',
      '        pid = os.fork()',
      '    except OSError as err:',
      '        print("fork refused after", i, "processes:", err); sys.exit(7)',
      '    if pid == 0:',
      '        time.sleep(60); os._exit(0)',
      'print("forked 500 processes")',
    ].join('\n');
    const image = await imageOnTemplate(service, 'forks', pythonStep(forks));
    expect(image.status).toBe('ERROR');
    expect(image.reason[0]).toBe(
      "build failed while running the base image's template build: the step exited with code 7",
    );
    expect(image.reason.join('\n')).toMatch(/fork refused after \d+ processes/);

    // The build's cgroup folders are gone from every hierarchy once it ended.
    const [build] = (await service.call('GET', '/v1/image/forks/builds')).body;
    const left = execFileSync('find', ['/sys/fs/cgroup', '-maxdepth', '4', '-name', build.id], { encoding: 'utf8' });
    expect(left.trim()).toBe('');
  });

  it('a step using more memory than the limit is killed, and the build ERRORs', async () => {
    const memoryHog = pythonStep('b = bytearray(512 * 1024 * 1024); print(len(b))');
    const image = await imageOnTemplate(service, 'greedy', memoryHog);
    expect(image.status).toBe('ERROR');
    expect(image.reason[0]).toBe(
      "build failed while running the base image's template build: the step exited with code 137",
    );
  });
});
