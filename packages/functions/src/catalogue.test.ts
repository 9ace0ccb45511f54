import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { GenerateMacCommand, GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { ADAPTER_PORTS, PORT_NAMES, PORTS, plannedLinks, portsReached } from './catalogue';
import { LINKS } from './links';
import { buildAwsDeps } from './shared/aws-deps';
import { type Trigger, triggers } from './triggers';

process.env.AWS_REGION = 'ap-south-1';
const all = triggers as readonly Trigger[];
const byName = (name: string) => all.find((t) => t.name === name)!;

/** A value for each link name, as `stacks/` would fill it (the cache is the local Redis, no TLS). */
function linkValue(name: string): unknown {
  if (name.endsWith('TableName')) return { name: `bs-${name}` };
  if (name === LINKS.bus.primary || name === LINKS.bus.secondary) return { name: 'bus', arn: 'arn:bus' };
  if (name === LINKS.voteStore.primary || name === LINKS.voteStore.secondary) {
    return { kind: 'timestream', region: 'ap-south-1', database: 'db', table: 'votes', tallyTable: 'counts' };
  }
  if (name === LINKS.cache) return { host: '127.0.0.1', port: 6379, tls: false };
  if (name === LINKS.ticketKey || name === LINKS.pseudonymKey || name === LINKS.electionKey)
    return { arn: `arn:aws:kms:ap-south-1:1:key/${name}` };
  if (name === LINKS.notifications) return { arn: 'arn:aws:sns:ap-south-1:1:alerts' };
  if (name === LINKS.tracker)
    return { shards: [{ regionId: 'national', part: 0, parts: 1, name: 'machines' }] };
  if (name === LINKS.iotDataEndpoint) return { address: 'example-ats.iot.ap-south-1.amazonaws.com' };
  if (name === LINKS.geofences)
    return { shards: [{ regionId: 'national', part: 0, parts: 1, name: 'booths' }] };
  if (name === LINKS.userPool.primary || name === LINKS.userPool.secondary)
    return { id: 'ap-south-1_Example', region: 'ap-south-1' };
  if (name === LINKS.voterRegistryApi || name === LINKS.biometricApi)
    return {
      url: 'https://api.example.gov',
      secretArn: 'arn:aws:secretsmanager:ap-south-1:123456789012:secret:k-AbCdEf',
    };
  throw new Error(`no example value for link ${name}`);
}

const kms = mockClient(KMSClient);
const { privateKey } = generateKeyPairSync('ed25519');
kms.on(GetPublicKeyCommand).resolves({
  KeySpec: 'ECC_NIST_EDWARDS25519',
  KeyUsage: 'SIGN_VERIFY',
  PublicKey: createPublicKey(privateKey).export({ type: 'spki', format: 'der' }),
});
kms.on(GenerateMacCommand).resolves({ Mac: new Uint8Array(32).fill(7) });
afterAll(() => kms.restore());

describe('the port catalogue', () => {
  it('plans only links some entry is built from, each named in LINKS', () => {
    const known = new Set(PORT_NAMES.flatMap((port) => PORTS[port].linkNames));
    for (const trigger of all) {
      for (const name of plannedLinks(trigger))
        expect(known.has(name), `${trigger.name}: ${name}`).toBe(true);
    }
    const named = new Set<string>([
      ...Object.values(LINKS.bus),
      ...Object.values(LINKS.voteStore),
      LINKS.cache,
      LINKS.ticketKey,
      LINKS.pseudonymKey,
      LINKS.electionKey,
      LINKS.notifications,
      LINKS.tracker,
      LINKS.iotDataEndpoint,
      LINKS.voterRegistryApi,
      LINKS.biometricApi,
      LINKS.geofences,
      ...Object.values(LINKS.userPool),
    ]);
    for (const name of known) expect(name.endsWith('TableName') || named.has(name), name).toBe(true);
  });

  it("plans the links of a step's reaches and publishes, and nothing else", () => {
    expect(plannedLinks(byName('verifyVoter')).sort()).toEqual(
      [
        LINKS.table('tickets'),
        LINKS.table('registry'),
        LINKS.table('ballots'),
        LINKS.table('voters'),
        LINKS.bus.primary,
        LINKS.cache,
        LINKS.ticketKey,
        LINKS.pseudonymKey,
        LINKS.biometricApi,
      ].sort(),
    );
    expect(plannedLinks(byName('recordVoteSecondary')).sort()).toEqual(
      [LINKS.table('tallies'), LINKS.voteStore.secondary].sort(),
    );
    expect(plannedLinks(byName('concealVoteOrder')).sort()).toEqual(
      [LINKS.voteStore.primary, LINKS.voteStore.secondary].sort(),
    );
  });

  it("builds every step's AWS deps from exactly its planned links, and a copy of them reads no port", async () => {
    for (const trigger of all) {
      const links = new Map(plannedLinks(trigger).map((name) => [name, linkValue(name)]));
      const deps = await buildAwsDeps((name) => links.get(name), trigger);
      expect({ ...deps }, trigger.name).toHaveProperty('records');
      for (const port of portsReached(trigger)) {
        // A reached port is the real adapter (a stand-in throws on any member), but for the
        // external APIs whose AWS adapters are not wired yet.
        if (port === 'biometrics' || port === 'voterRegistry') continue;
        const adapter = deps[port] as unknown as Record<string, unknown>;
        expect(() => adapter.constructor, `${trigger.name}: ${port}`).not.toThrow();
      }
      for (const region of Object.keys(trigger.reaches?.voteStores ?? {})) {
        expect(deps.voteStores[region as 'primary' | 'secondary'].region, trigger.name).toBe(region);
      }
      for (const port of ADAPTER_PORTS.filter((p) => !portsReached(trigger).includes(p))) {
        if (PORTS[port].linkNames.length === 0) continue;
        expect(
          () => (deps[port] as unknown as Record<string, unknown>).anything,
          `${trigger.name}: ${port}`,
        ).toThrow(/not linked/);
      }
      if (portsReached(trigger).includes('cache')) await deps.cache.close();
    }
  });
});
