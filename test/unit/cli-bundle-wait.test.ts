import { afterEach, describe, expect, it, vi } from 'vitest';
import { followBundle } from '../../cli/bundle-wait.js';

// The lines end with the time waited, ` (0s)`: the rest is what these tests check.
const withoutElapsed = (line: unknown) => String(line).replace(/ \(\d+(m\d+)?s\)$/, '');

// The API as followBundle sees it: GET by path, answering a settled resource at once (so no poll sleeps).
const resources: Record<string, { name: string; status: string; reason: string[] | null }> = {
  '/v1/baseimage/py': { name: 'py', status: 'READY', reason: null },
  '/v1/image/pandas': { name: 'pandas', status: 'ERROR', reason: ['build failed', 'pip: no matching distribution'] },
  '/v1/image/six': { name: 'six', status: 'READY', reason: null },
};

function fakeClient(paths: string[]) {
  return {
    get: async <T>(path: string) => {
      paths.push(path);
      const resource = resources[path];
      if (!resource) throw new Error(`unexpected GET ${path}`);
      return resource as T;
    },
  };
}

afterEach(() => vi.restoreAllMocks());

describe('followBundle', () => {
  it('follows every written or unchanged resource, and reports each one in ERROR with its reason', async () => {
    const progress = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const paths: string[] = [];
    const results = [
      { index: 0, kind: 'BaseImage', name: 'py', result: 'created' },
      { index: 1, kind: 'Image', name: 'pandas', result: 'updated' },
      { index: 2, kind: 'Image', name: 'six', result: 'unchanged' },
      { index: 3, kind: 'Image', name: 'gone', result: 'deleted' },
    ];
    const { statuses, errors } = await followBundle(fakeClient(paths), results);
    expect(paths.sort()).toEqual(['/v1/baseimage/py', '/v1/image/pandas', '/v1/image/six']);
    expect([...statuses.entries()].sort()).toEqual([
      [0, 'READY'],
      [1, 'ERROR'],
      [2, 'READY'],
    ]);
    expect(errors).toEqual(['image pandas is in ERROR: build failed\npip: no matching distribution']);
    // Progress goes to stderr, one line per resource and status.
    expect(progress.mock.calls.map(([line]) => withoutElapsed(line)).sort()).toEqual([
      'base image py: READY',
      'image pandas: ERROR',
      'image six: READY',
    ]);
  });

  it('passes on a failed poll once the others are done', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const results = [
      { index: 0, kind: 'Image', name: 'missing', result: 'created' },
      { index: 1, kind: 'Image', name: 'six', result: 'created' },
    ];
    await expect(followBundle(fakeClient([]), results)).rejects.toThrow('unexpected GET /v1/image/missing');
  });
});
