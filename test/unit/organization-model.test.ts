import { describe, expect, it } from 'vitest';
import { describeHoldings } from '../../api/organization-model.js';
import { refusalHint } from '../../api/permissions.js';
import { parseExpiresIn } from '../../cli/token-commands.js';

const none = { baseImages: 0, images: 0, rebuildSchedules: 0, runningRebuilds: 0 };

describe('describeHoldings', () => {
  it('names each kind held, with its count, in one phrase', () => {
    expect(describeHoldings({ ...none, images: 1 })).toBe('1 image');
    expect(describeHoldings({ ...none, baseImages: 1, images: 2 })).toBe('1 base image and 2 images');
    expect(describeHoldings({ baseImages: 3, images: 1, rebuildSchedules: 2, runningRebuilds: 1 })).toBe(
      '3 base images, 1 image, 2 rebuild schedules and 1 running rebuild',
    );
    expect(describeHoldings(none)).toBe('nothing');
  });
});

describe('refusalHint', () => {
  it('tells each side of the platform line which token it needs, and adds nothing inside an org', () => {
    expect(refusalHint('platform', ['admin'])).toMatch(
      /manages organizations and platform tokens only; use a token of the org$/,
    );
    expect(refusalHint('admin', ['platform'])).toMatch(/managed with the platform admin token only$/);
    expect(refusalHint('viewer', ['admin', 'developer'])).toBe('');
  });
});

describe('parseExpiresIn', () => {
  it('takes whole days, with or without a d', () => {
    expect(parseExpiresIn('30d')).toBe(30);
    expect(parseExpiresIn('7')).toBe(7);
    expect(parseExpiresIn('3650D')).toBe(3650);
  });

  it('refuses anything else, naming the range', () => {
    for (const value of ['0d', '3651d', '1.5d', '12h', 'forever', '', '-1']) {
      expect(() => parseExpiresIn(value), value).toThrow(/expected a number of days from 1 to 3650/);
    }
  });
});
