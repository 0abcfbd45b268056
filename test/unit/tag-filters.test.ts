import { describe, expect, it } from 'vitest';
import { parseTagFilters } from '../../api/resource-schema.js';

describe('tag filters', () => {
  it('split on the first = only, so values may hold one', () => {
    expect(parseTagFilters(['role=docs', 'expr=a=b'])).toEqual({
      tags: [
        { key: 'role', value: 'docs' },
        { key: 'expr', value: 'a=b' },
      ],
    });
  });
  it('name the first malformed filter', () => {
    expect(parseTagFilters(['role=docs', 'nokey', '=x']).bad).toBe('nokey');
  });
});
