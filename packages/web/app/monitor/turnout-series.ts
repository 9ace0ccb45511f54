import type { TimeSeries } from '../shared/time-chart';

/** Running totals of one place over time, as `GET /turnout` gives them. */
export interface RunningTotals {
  readonly label: string;
  readonly electorate: number;
  readonly points: readonly { readonly windowStart: number; readonly cumulative: number }[];
}

/**
 * Puts the running totals of several places on one time axis as turnout in percent of each
 * place's electorate; a place keeps its last total through windows in which it had no votes.
 */
export function turnoutSeries(places: readonly RunningTotals[]): { times: number[]; series: TimeSeries[] } {
  const times = [...new Set(places.flatMap((p) => p.points.map((x) => x.windowStart)))].sort((a, b) => a - b);
  const series = places.map((p) => {
    const at = new Map(p.points.map((x) => [x.windowStart, x.cumulative]));
    let last: number | null = null;
    const values = times.map((t) => {
      const total = at.get(t);
      if (total !== undefined) last = total;
      return last === null || p.electorate === 0 ? null : percent(last, p.electorate);
    });
    return { label: p.label, values };
  });
  return { times, series };
}

/** A share in percent with one decimal. */
export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}
