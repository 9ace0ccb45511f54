const SVG = 'http://www.w3.org/2000/svg';

/** One point of a series: a time and a value. */
export interface SeriesPoint {
  readonly t: number;
  readonly v: number;
}

/**
 * Draws a small step chart of a cumulative series as an SVG image; the label says in words what
 * it shows, for screen readers.
 */
export function stepChart(points: readonly SeriesPoint[], label: string): SVGSVGElement {
  const width = 600;
  const height = 160;
  const pad = 28;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const title = document.createElementNS(SVG, 'title');
  title.textContent = label;
  svg.append(title);
  if (points.length === 0) return svg;
  const t0 = points[0]!.t;
  const t1 = Math.max(points.at(-1)!.t, t0 + 1);
  const vMax = Math.max(1, ...points.map((p) => p.v));
  const x = (t: number) => pad + ((t - t0) / (t1 - t0)) * (width - 2 * pad);
  const y = (v: number) => height - pad - (v / vMax) * (height - 2 * pad);
  let d = `M ${x(t0)} ${y(0)}`;
  for (const p of points) d += ` L ${x(p.t)} ${y(p.v)}`;
  const area = document.createElementNS(SVG, 'path');
  area.setAttribute('d', `${d} L ${x(points.at(-1)!.t)} ${y(0)} Z`);
  area.setAttribute('fill', '#0b4f8a33');
  const line = document.createElementNS(SVG, 'path');
  line.setAttribute('d', d);
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', '#0b4f8a');
  line.setAttribute('stroke-width', '2');
  const axis = document.createElementNS(SVG, 'path');
  axis.setAttribute('d', `M ${pad} ${pad / 2} V ${height - pad} H ${width - pad / 2}`);
  axis.setAttribute('stroke', '#6e7781');
  axis.setAttribute('fill', 'none');
  svg.append(area, line, axis);
  const labels: [number, number, string, string][] = [
    [pad + 2, pad / 2 + 10, String(vMax), 'start'],
    [pad, height - 8, new Date(t0).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }), 'start'],
    [
      width - pad,
      height - 8,
      new Date(t1).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
      'end',
    ],
  ];
  for (const [lx, ly, text, anchor] of labels) {
    const t = document.createElementNS(SVG, 'text');
    t.setAttribute('x', String(lx));
    t.setAttribute('y', String(ly));
    t.setAttribute('font-size', '12');
    t.setAttribute('fill', '#1b1f24');
    t.setAttribute('text-anchor', anchor);
    t.textContent = text;
    svg.append(t);
  }
  return svg;
}
