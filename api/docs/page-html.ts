// The pieces of HTML every part of the reference page writes (escaped text, anchors, pretty-printed JSON) and its
// one inline stylesheet.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

export const anchor = (kind: string, name: string) => `${kind}-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
export const pretty = (value: unknown) => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

export const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1em 2em; color: #1d2125; }
code, pre { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #f5f6f8; border: 1px solid #dde1e6; padding: .75em; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; }
th, td { border: 1px solid #dde1e6; padding: .35em .6em; text-align: left; vertical-align: top; }
th { background: #f5f6f8; }
.operation { border-top: 2px solid #dde1e6; margin-top: 2em; padding-top: .5em; }
.method { display: inline-block; min-width: 4.5em; text-align: center; color: #fff; border-radius: 3px; padding: 0 .4em; }
.get { background: #2f6fb3; } .post { background: #2e8540; } .put { background: #b36b00; } .delete { background: #b3261e; }
.summary { font-weight: 600; } .req { color: #b3261e; font-size: .85em; } .none { color: #6b7280; }
.inline-schema { word-break: break-all; } .media { margin: .25em 0; }
.status-4xx td:first-child, .status-5xx td:first-child { color: #b3261e; }
.status-2xx td:first-child { color: #2e8540; }
nav ul { columns: 2; } nav li { list-style: none; }
`;
