import { describe, expect, it } from 'vitest';
import { listQuery, parseTagFilters } from '../../api/resource-schema.js';

describe('tag filters', () => {
  it('split on the first = only, so values may hold one', () => {
    expect(parseTagFilters(['role=docs', 'expr=a=b'])).toEqual([
      { key: 'role', value: 'docs' },
      { key: 'expr', value: 'a=b' },
    ]);
  });
  it('refuse a filter without a key, naming it', () => {
    const query = listQuery('image', ['python3']);
    expect(query.safeParse({ tag: ['role=docs', 'nokey'] }).error?.issues[0]).toMatchObject({
      path: ['tag', 1],
      message: 'must look like key=value, without control characters',
    });
    expect(query.safeParse({ tag: '=x' }).success).toBe(false);
    expect(query.parse({ tag: 'role=docs' }).tag).toEqual(['role=docs']);
  });
});
