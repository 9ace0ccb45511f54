import { describe, expect, it } from 'vitest';
import { catalogue, describeCatalogue, findEvent } from './catalogue';

describe('the event catalogue', () => {
  it('names every event once', () => {
    const types = catalogue.map((e) => e.type);
    expect(new Set(types).size).toBe(types.length);
  });

  it('names events <entity>.<past-verb> with a ballotstream source, or as AWS names them', () => {
    for (const e of catalogue) {
      if (e.source.startsWith('aws.')) continue;
      expect(e.type).toMatch(/^[a-z]+(\.[a-z-]+)+$/);
      expect(e.source).toMatch(/^ballotstream\.[a-z]+$/);
    }
  });

  it('gives every event a one-line description', () => {
    for (const e of catalogue) {
      expect(e.description.length).toBeGreaterThan(10);
      expect(e.description).not.toContain('\n');
    }
  });

  it('finds an event by its detail-type and nothing for an unknown one', () => {
    expect(findEvent('vote.accepted')?.source).toBe('ballotstream.casting');
    expect(findEvent('vote.eaten')).toBeUndefined();
  });

  it('prints itself as a table with a row per event', () => {
    expect(describeCatalogue().split('\n')).toHaveLength(catalogue.length + 2);
  });
});
