import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGatewayComponent, type ComponentBuild } from './build';
import {
  COMPONENT_ENV,
  componentConfigurationFromEnv,
  processConfigOf,
  VERSION_ENV,
} from './component-config';
import { greengrassRecipeSchema } from './recipe';

let dir: string;
let built: ComponentBuild;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gateway-component-'));
  built = await buildGatewayComponent(dir, {
    version: '1.2.3',
    artifactsUri: 's3://artifacts-bucket/gateway/1.2.3/',
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the gateway as a Greengrass component', () => {
  it('writes a recipe that validates against the Greengrass recipe schema', () => {
    const recipe = JSON.parse(readFileSync(built.recipePath, 'utf8'));
    const parsed = greengrassRecipeSchema.safeParse(recipe);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(recipe).toMatchObject({ ComponentName: 'ballotstream.BoothGateway', ComponentVersion: '1.2.3' });
  });

  it('names every artifact the build produced, and nothing else', () => {
    const recipe = greengrassRecipeSchema.parse(JSON.parse(readFileSync(built.recipePath, 'utf8')));
    const uris = recipe.Manifests.flatMap((m) => m.Artifacts ?? []).map((a) => a.URI);
    expect(uris.every((uri) => uri.startsWith('s3://artifacts-bucket/gateway/1.2.3/'))).toBe(true);
    expect(uris.map((uri) => basename(uri)).sort()).toEqual(readdirSync(built.artifactsDir).sort());
    expect(recipe.Manifests[0]?.Lifecycle?.Run).toBe('node {artifacts:path}/gateway.mjs --host --greengrass');
  });

  it('refuses a recipe without the fields Greengrass requires', () => {
    const { ComponentVersion: _v, ...unversioned } = built.recipe;
    expect(greengrassRecipeSchema.safeParse(unversioned).success).toBe(false);
    expect(greengrassRecipeSchema.safeParse({ ...built.recipe, Manifests: [] }).success).toBe(false);
    const badUri = { ...built.recipe, Manifests: [{ Artifacts: [{ URI: '/local/file' }] }] };
    expect(greengrassRecipeSchema.safeParse(badUri).success).toBe(false);
  });

  it('sets every configuration key the gateway reads, the machine id from the thing name', () => {
    const setenv = built.recipe.Manifests[0]?.Lifecycle?.Setenv ?? {};
    expect(Object.keys(setenv).sort()).toEqual([...Object.values(COMPONENT_ENV), VERSION_ENV].sort());
    expect(setenv[VERSION_ENV]).toBe('1.2.3');
    expect(setenv[COMPONENT_ENV.machineId]).toBe('{iot:thingName}');
    expect(setenv[COMPONENT_ENV.otaDir]).toBe('{work:path}/install');
    expect(setenv[COMPONENT_ENV.brokers]).toBe('{configuration:/brokers}');
  });

  it('gives the gateway process its brokers, certificate and keys from the component configuration', () => {
    const files: Record<string, string> = {
      '/c.pem': 'CERT',
      '/k.pem': 'KEY',
      '/ca.pem': 'CA',
      '/s.pem': 'SIGN',
      '/cs.pem': 'CODE-SIGNING',
    };
    const env = {
      [COMPONENT_ENV.stage]: 'national-general',
      [COMPONENT_ENV.machineId]: 'm-1',
      [COMPONENT_ENV.boothId]: 'b-1',
      [COMPONENT_ENV.electionId]: 'ge-2029',
      [COMPONENT_ENV.constituencyId]: 'pc-001',
      [COMPONENT_ENV.brokers]: 'mqtts://primary.example:8883, mqtts://secondary.example:8883',
      [COMPONENT_ENV.certificatePath]: '/c.pem',
      [COMPONENT_ENV.privateKeyPath]: '/k.pem',
      [COMPONENT_ENV.rootCaPath]: '/ca.pem',
      [COMPONENT_ENV.signingKeyPath]: '/s.pem',
      [COMPONENT_ENV.queueDir]: '/work/queue',
      [COMPONENT_ENV.bucketMs]: '60000',
      [COMPONENT_ENV.codeSigningPublicKeyPath]: '/cs.pem',
      [COMPONENT_ENV.otaDir]: '/work/install',
    };
    const config = processConfigOf(componentConfigurationFromEnv(env), (path) => files[path]!);
    expect(config).toMatchObject({
      machineId: 'm-1',
      mqttUrl: 'mqtts://primary.example:8883',
      fallbackMqttUrls: ['mqtts://secondary.example:8883'],
      tls: { certPem: 'CERT', keyPem: 'KEY', caPem: 'CA' },
      privateKeyPem: 'SIGN',
      bucketMs: 60_000,
      ota: { dir: '/work/install', codeSigningPublicKeyPem: 'CODE-SIGNING' },
    });
    expect(() => componentConfigurationFromEnv({ ...env, [COMPONENT_ENV.brokers]: 'http://x' })).toThrow(
      /brokers/,
    );
  });
});
