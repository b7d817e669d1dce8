/** Renders rows as an aligned Markdown table (readable in a terminal and in a .md file). */
export function markdownTable(headers: string[], rows: string[][]): string {
  const width = (s: string): number => [...s].reduce((n, ch) => n + (/[\u2E80-\uFFEF]/.test(ch) ? 2 : 1), 0);
  const widths = headers.map((h, i) => Math.max(width(h), 3, ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => c + ' '.repeat(widths[i] - width(c))).join(' | ')} |`;
  return [
    line(headers),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(r.map((c) => c ?? ''))),
  ].join('\n');
}
