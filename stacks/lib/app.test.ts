import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appSettings, isProtectedStage } from './app';
import { loadInfraBlueprint } from './blueprint';

const blueprint = loadInfraBlueprint('ci', join(import.meta.dirname, '../..'), {
  BALLOTSTREAM_BLUEPRINT: join(import.meta.dirname, '../fixtures/ci-blueprint.json'),
});

describe('the SST app settings', () => {
  it('retain and protect the data of production and election stages', () => {
    for (const stage of ['production', 'election-2026-general']) {
      expect(appSettings(stage, blueprint)).toMatchObject({ removal: 'retain', protect: true });
    }
  });

  it('remove every other stage whole', () => {
    for (const stage of ['ci', 'alice', 'staging', 'elections']) {
      expect(isProtectedStage(stage)).toBe(false);
      expect(appSettings(stage, blueprint)).toMatchObject({ removal: 'remove', protect: false });
    }
  });

  it("deploy to the blueprint's primary region by default", () => {
    expect(appSettings('ci', blueprint).providers.aws.region).toBe('ap-south-1');
  });
});
