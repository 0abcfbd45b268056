import { describe, expect, it } from 'vitest';
import { formatDate, pad, renderTable } from '../../cli/table.js';

describe('pad', () => {
  it('left-aligns by default and centres with the odd space on the right', () => {
    expect(pad('READY', 6)).toBe('READY ');
    expect(pad('NAME', 14, 'center')).toBe('     NAME     ');
    expect(pad('URL', 28, 'center')).toBe(' '.repeat(12) + 'URL' + ' '.repeat(13));
  });

  it('never truncates text wider than the column', () => {
    expect(pad('too-long', 3)).toBe('too-long');
  });
});

describe('renderTable', () => {
  const headers = ['NAME', 'URL', 'STATUS', 'CREATED DATE'];

  it('reproduces the seed documentation table exactly', () => {
    const rows = [['my-python-base', 'berndtj/my-python-base:0.0.1', 'READY', 'Fri Jun  8 14:31:48 PDT 2018']];
    expect(renderTable(headers, rows)).toBe(
      [
        '       NAME      |             URL              | STATUS |         CREATED DATE',
        '------------------------------------------------------------------------------------',
        '  my-python-base | berndtj/my-python-base:0.0.1 | READY  | Fri Jun  8 14:31:48 PDT 2018',
        '',
      ].join('\n'),
    );
  });

  it('sizes each column to its widest cell, header included', () => {
    const table = renderTable(
      ['NAME', 'STATUS'],
      [
        ['a', 'READY'],
        ['longer-name', 'ERROR'],
      ],
    );
    expect(table.split('\n')).toEqual([
      '     NAME     | STATUS',
      '---------------------',
      '  a           | READY',
      '  longer-name | ERROR',
      '',
    ]);
  });

  it('prints the header and rule for an empty list', () => {
    expect(renderTable(['NAME', 'URL'], [])).toBe('  NAME | URL\n-----------\n');
  });
});

describe('formatDate', () => {
  it('uses the date(1) default format with the short zone name', () => {
    expect(formatDate(1528493508, 'America/Los_Angeles')).toBe('Fri Jun  8 14:31:48 PDT 2018');
  });

  it('pads single-digit days with a space, keeps two-digit days and uses a 24-hour clock', () => {
    expect(formatDate(1515985445, 'UTC')).toBe('Mon Jan 15 03:04:05 UTC 2018');
    expect(formatDate(Date.UTC(2018, 0, 1, 0, 0, 0) / 1000, 'UTC')).toBe('Mon Jan  1 00:00:00 UTC 2018');
    expect(formatDate(1528493508, 'America/New_York')).toBe('Fri Jun  8 17:31:48 EDT 2018');
  });
});
