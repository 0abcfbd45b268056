import { describe, expect, it } from 'vitest';
import { inputsSha256 } from '../../activities/build-inputs.js';
import { diffCatalogs } from '../../activities/catalog-diff.js';
import { decideRebuild } from '../../activities/rebuild-decision.js';
import type { BuildInputs } from '../../db/schema.js';

const inputs: BuildInputs = {
  baseImage: 'py',
  baseDigest: `sha256:${'a'.repeat(64)}`,
  language: 'python3',
  manifestSha256: 'm1',
  systemPackages: [{ name: 'jq' }],
  template: 'default',
};
const previous = { buildId: 'b1', inputs };

describe('deciding a rebuild', () => {
  it('skips an image whose inputs are unchanged, naming the build they match', () => {
    expect(decideRebuild(previous, { ...inputs }, false)).toEqual({
      rebuild: false,
      reason: 'inputs unchanged since build b1',
    });
  });

  it('rebuilds when the base moved, saying from and to which digest', () => {
    const moved = { ...inputs, baseDigest: `sha256:${'b'.repeat(64)}` };
    expect(decideRebuild(previous, moved, false)).toEqual({
      rebuild: true,
      reason: 'base image py moved from aaaaaaaaaaaa to bbbbbbbbbbbb',
    });
  });

  it('names every input that changed', () => {
    const changed = { ...inputs, manifestSha256: 'm2', systemPackages: [], template: '/image-template' };
    expect(decideRebuild(previous, changed, false).reason).toBe(
      'runtime manifest changed; system packages changed; image template changed (default -> /image-template)',
    );
  });

  it('rebuilds when forced, or when the image never built', () => {
    expect(decideRebuild(previous, inputs, true)).toEqual({ rebuild: true, reason: 'forced' });
    expect(decideRebuild(null, inputs, false)).toEqual({ rebuild: true, reason: 'never built successfully' });
  });

  it('gives equal inputs one identity whatever the base image is called', () => {
    expect(inputsSha256({ ...inputs, baseImage: 'other-name' })).toBe(inputsSha256(inputs));
    expect(inputsSha256({ ...inputs, manifestSha256: 'm2' })).not.toBe(inputsSha256(inputs));
  });
});

describe('catalog diffs', () => {
  it('lists what was added, removed and changed', () => {
    const before = [
      { ecosystem: 'deb', name: 'curl', version: '1' },
      { ecosystem: 'pypi', name: 'six', version: '1.15.0' },
    ];
    const after = [
      { ecosystem: 'pypi', name: 'six', version: '1.16.0' },
      { ecosystem: 'deb', name: 'jq', version: '1.6' },
    ];
    expect(diffCatalogs('b1', before, after)).toEqual({
      previousBuildId: 'b1',
      added: [{ ecosystem: 'deb', name: 'jq', version: '1.6' }],
      removed: [{ ecosystem: 'deb', name: 'curl', version: '1' }],
      changed: [{ ecosystem: 'pypi', name: 'six', from: '1.15.0', to: '1.16.0' }],
    });
  });
});
