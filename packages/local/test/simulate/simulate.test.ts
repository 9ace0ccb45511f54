import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FALSE_WARNING_LIMIT, falseAlertCounts } from '../../src/cli/simulate-verdict';
import { simulationSchema } from '../../src/simulate/config';
import { simulate } from '../../src/simulate/run';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const dir = mkdtempSync(join(tmpdir(), 'ballotstream-simulate-test-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The national blueprint with a shorter day (the storm comes at 8.5 hours) and an hour's window
 * for authorization failures: at 1,200× one real probe of about 60 ms spans more than a simulated
 * minute, so the default five-minute window would see the storm thinned out by the speedup, not
 * by the attacker.
 */
function testBlueprint(): string {
  const national = JSON.parse(readFileSync(join(root, 'elections/national-general.json'), 'utf8')) as {
    poll: Record<string, string>;
    thresholds: Record<string, unknown>;
    data: Record<string, string>;
  };
  const data = Object.fromEntries(
    Object.entries(national.data).map(([k, v]) => [k, join(root, 'elections', v)]),
  );
  const blueprint = {
    ...national,
    poll: { ...national.poll, closes: '16:00' },
    thresholds: {
      ...national.thresholds,
      fleet: { authWindowMs: 3_600_000 },
      // A gateway kicked off by the clone is back within half a real second: ten simulated
      // minutes at this speed, which is the speedup's doing, not a machine going dark. The
      // gateway taken offline stays away two hours, well past this.
      liveness: { silentAfterMs: 3_600_000, offlineAfterMs: 30 * 60_000 },
    },
    data,
  };
  const path = join(dir, 'blueprint.json');
  writeFileSync(path, JSON.stringify(blueprint));
  return path;
}

describe('ballotstream simulate', () => {
  it('runs over MQTT TLS and detects a cloned certificate probing other machines as authorization failures', async () => {
    const sim = simulationSchema.parse({
      blueprint: testBlueprint(),
      booths: 20,
      boothsPerConstituency: 10,
      constituenciesPerRegion: 1,
      candidatesPerConstituency: 3,
      votersPerBooth: 8,
      speedup: 1_200,
      gps: { everyMinutes: 30, jitterMeters: 15 },
      offline: { booths: 1, atHour: 2, minutes: 120 },
      incidents: ['auth-failure-storm'],
      concurrency: 16,
      seed: 7,
    });
    const report = await simulate(sim, () => undefined);

    // The gateway whose session the clone took over kept every vote and delivered it.
    expect(report.tally.differences).toEqual([]);
    expect(report.tally.equal).toBe(true);
    expect(report.tally.tallied).toBe(report.votes.sent);
    expect(report.votes.sent).toBeGreaterThan(0);

    const storm = report.incidents.find((i) => i.kind === 'auth-failure-storm');
    expect(storm).toBeDefined();
    expect(storm!.detected, JSON.stringify(report.incidents)).toBe(true);
    expect(storm!.alert).toBe('authorization-failures');
    expect(storm!.detail).toMatch(/^12 probes .* 12 dropped by the broker; 5 of 5 intruders/);
    // The gateway taken offline was noticed; its replacement came back over TLS with the same
    // certificate and delivered its queue (the tally above would be short otherwise).
    expect(report.incidents.find((i) => i.kind === 'gateway-offline')?.detected).toBe(true);
    // Nothing about the cloned machine is left over as a false alert.
    expect(report.falseAlerts.filter((a) => a.subject === storm!.subject)).toEqual([]);
    // The rest of the day was clean: no false critical, and the false warnings within the limit
    // `simulate` and the demo hold a day to.
    const falseAlerts = falseAlertCounts(report.falseAlerts);
    expect(falseAlerts.criticals, JSON.stringify(report.falseAlerts)).toBe(0);
    expect(falseAlerts.warnings, JSON.stringify(report.falseAlerts)).toBeLessThanOrEqual(FALSE_WARNING_LIMIT);

    // Close of poll: every machine's record came and reconciled, every constituency is
    // certified, and the exported bulletin verifies from itself alone.
    const closed = report.closeOfPoll;
    expect(closed).toMatchObject({ machines: 20, missing: 0, unexplained: 0 });
    expect(closed.certified).toBe(closed.constituencies);
    expect(closed.lastRecordToNationalCertificationSeconds).toBeGreaterThanOrEqual(0);
    expect(closed.bulletin).toMatchObject({ verified: true, problems: [], votes: report.tally.tallied });
  }, 240_000);
});
