import { describe, expect, it } from 'vitest';
import { indiaStates } from '../src/india-states';

describe('the bundled state boundaries', () => {
  it('has every state and union territory of India, named in English and Hindi, with an outline', async () => {
    const { features } = await indiaStates();
    const byCode = new Map(features.map((f) => [f.properties.code, f]));
    // 28 states and 8 union territories, as Natural Earth draws them.
    expect(features.length).toBeGreaterThanOrEqual(36);
    expect(byCode.get('IN-DL')?.properties).toEqual({ code: 'IN-DL', name: 'Delhi', nameHi: 'दिल्ली' });
    expect(byCode.get('IN-MH')?.properties.name).toBe('Maharashtra');
    expect(byCode.get('IN-TG')?.properties.name).toBe('Telangana');
    for (const f of features) {
      expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
      expect(f.properties.nameHi).toMatch(/[\u0900-\u097F]/);
    }
    // Small enough to ship inside the monitoring centre.
    expect(JSON.stringify(features).length).toBeLessThan(1_200_000);
  });
});
