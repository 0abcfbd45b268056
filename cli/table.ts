// Tables in the style of the original CLI (olekukonko/tablewriter, borderless): every cell gets one space either
// side, columns are joined by `|`, headers are centred, cells left-aligned, and the header rule has no crossings.
// Pure functions, so the exact layout can be unit-tested.

/** Pads `text` to `width`; centring puts the odd space on the right, as tablewriter does. */
export function pad(text: string, width: number, align: 'left' | 'center' = 'left'): string {
  const gap = Math.max(0, width - displayWidth(text));
  const left = align === 'center' ? Math.floor(gap / 2) : 0;
  return ' '.repeat(left) + text + ' '.repeat(gap - left);
}

/** Renders a header line, a rule of dashes and one line per row; every line ends with a newline. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) =>
    Math.max(displayWidth(header), ...rows.map((row) => displayWidth(row[column] ?? ''))),
  );
  const line = (cells: readonly string[], align: 'left' | 'center') =>
    // The original printed a trailing space after the last column; trimming it keeps copy-paste and diffs clean.
    (' ' + widths.map((width, column) => ` ${pad(cells[column] ?? '', width, align)} `).join('|')).trimEnd();
  const rule = widths.map((width) => '-'.repeat(width + 2)).join('');
  return [line(headers, 'center'), rule, ...rows.map((row) => line(row, 'left'))].map((l) => l + '\n').join('');
}

// Names, references, statuses and dates are ASCII by the API's rules; code points keep anything else from
// counting twice (a full East Asian width table, as tablewriter had, is not worth a dependency here).
function displayWidth(text: string): number {
  return [...text].length;
}

const partsFormat = (timeZone?: string) =>
  new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23', // 'hour12: false' can answer "24:05" at midnight in some ICU versions
    year: 'numeric',
    timeZoneName: 'short',
  });

/**
 * A Unix time (seconds) in the `date(1)` default format, e.g. `Fri Jun  8 14:31:48 PDT 2018`: the day is padded
 * with a space, the zone is the local short name (Intl answers `GMT+2` where it knows no abbreviation).
 * `timeZone` defaults to the machine's zone; tests pass one explicitly.
 */
export function formatDate(unixSeconds: number, timeZone?: string): string {
  const parts = partsFormat(timeZone).formatToParts(new Date(unixSeconds * 1000));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const time = `${part('hour')}:${part('minute')}:${part('second')}`;
  const day = part('day').padStart(2, ' ');
  return `${part('weekday')} ${part('month')} ${day} ${time} ${part('timeZoneName')} ${part('year')}`;
}
