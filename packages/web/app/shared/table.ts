import { h } from './dom';

/** A column of a table: its heading, and whether it holds numbers (right-aligned). */
export interface Column {
  readonly title: string;
  readonly num?: boolean;
}

type Cell = string | number | Node;

/** A plain data table with column headings and an optional caption. */
export function dataTable(
  columns: readonly Column[],
  rows: readonly (readonly Cell[])[],
  attrs: Record<string, string> = {},
  caption?: string,
): HTMLTableElement {
  const cls = (c: Column | undefined) => (c?.num ? 'num' : undefined);
  return h(
    'table',
    attrs,
    caption === undefined ? '' : h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) => h('th', { scope: 'col', class: cls(c) }, c.title)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((row) =>
        h(
          'tr',
          {},
          row.map((cell, i) =>
            h('td', { class: cls(columns[i]) }, typeof cell === 'number' ? String(cell) : cell),
          ),
        ),
      ),
    ),
  );
}
