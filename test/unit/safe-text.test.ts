import { describe, expect, it } from 'vitest';
import { safeLine, safeReason, safeText } from '../../safe-text.js';

const ESC = String.fromCharCode(27);

describe('text from a build, made safe', () => {
  it('drops NUL and other control characters but keeps tabs and newlines', () => {
    expect(safeText(`a${String.fromCharCode(0)}b\tc\n${String.fromCharCode(7)}d${String.fromCharCode(0x9b)}`)).toBe(
      'ab\tc\nd',
    );
  });

  it('strips terminal escapes: colours, screen clears and window titles', () => {
    expect(safeText(`${ESC}[31mred${ESC}[0m ${ESC}[2J${ESC}]0;owned${String.fromCharCode(7)}after`)).toBe('red after');
  });

  it('turns carriage returns into line ends and lone surrogates into replacement characters', () => {
    expect(safeText('10%\r50%\r\n')).toBe('10%\n50%\n');
    expect(safeText('x\ud800y')).toBe('x\ufffdy');
  });

  it('makes a reason line short and single-line', () => {
    expect(safeLine('one\ntwo   three')).toBe('one two three');
    expect(safeLine('x'.repeat(20), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(safeReason(['ok', `${ESC}[1m`, ''])).toEqual(['ok']);
  });
});
