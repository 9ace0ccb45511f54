import { describe, expect, it } from 'vitest';
import { percent, turnoutSeries } from './turnout-series';

describe('turnout over time as a share of the electorate', () => {
  it('puts every place on one time axis and carries a total through windows without votes', () => {
    const { times, series } = turnoutSeries([
      {
        label: 'north',
        electorate: 200,
        points: [
          { windowStart: 1000, cumulative: 20 },
          { windowStart: 3000, cumulative: 50 },
        ],
      },
      { label: 'south', electorate: 100, points: [{ windowStart: 2000, cumulative: 10 }] },
    ]);
    expect(times).toEqual([1000, 2000, 3000]);
    expect(series).toEqual([
      { label: 'north', values: [10, 10, 25] },
      { label: 'south', values: [null, 10, 10] },
    ]);
  });

  it('shows nothing for a place with no registered electorate rather than dividing by zero', () => {
    const { series } = turnoutSeries([
      { label: 'x', electorate: 0, points: [{ windowStart: 1, cumulative: 5 }] },
    ]);
    expect(series[0]!.values).toEqual([null]);
    expect(percent(1, 3)).toBe(33.3);
  });
});
