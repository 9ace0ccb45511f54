import { configSchema } from '@ballotstream/core';
import type { OutgoingEvent } from '@ballotstream/core/ports';
import { voteAccepted, voteRejected } from '@ballotstream/events';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { declaredPublisher, UndeclaredEventError } from './declared-publisher';
import {
  type App,
  appFor,
  appOf,
  type Deps,
  installApp,
  stepApp,
  uninstallApp,
  withStep,
} from './shared/deps';
import { rejectionCounts, resetRejectionCounts } from './shared/observability';
import { STEP_VARIABLES, stepEnvironment, stepOfEnvironment } from './step-environment';

// The check reads only the detail-type; the detail is the publisher's to validate.
const accepted: OutgoingEvent = { source: voteAccepted.source, detailType: voteAccepted.type, detail: {} };

function sink() {
  const put: OutgoingEvent[] = [];
  return { put, inner: { publish: async (events: readonly OutgoingEvent[]) => void put.push(...events) } };
}

const ingest = { name: 'ingestVote', publishes: [voteAccepted.type, voteRejected.type] } as const;
const recordVotePrimary = { name: 'recordVotePrimary', publishes: [] } as const;

const PORTS = ['clock', 'records', 'cache', 'voteStores', 'signatures', 'ticketKeys', 'pseudonyms'];
PORTS.push('biometrics', 'voterRegistry', 'tracker', 'notifier', 'machineCommands', 'detectorState');
PORTS.push('geofences', 'brokerProbe', 'machineCertificates', 'electionKey');

// An app whose only working port is the publisher; any other port fails loudly when used.
function appPublishingTo(inner: { publish(events: readonly OutgoingEvent[]): Promise<void> }): App {
  const unused = (port: string) =>
    new Proxy({}, { get: (_t, key) => (typeof key === 'symbol' || key === 'then' ? undefined : fail(port)) });
  const fail = (port: string) => {
    throw new Error(`port ${port} is not part of this test`);
  };
  const ports = Object.fromEntries(PORTS.map((port) => [port, unused(port)]));
  return appOf({ ...ports, publisher: inner, config: configSchema.parse({}) } as unknown as Deps);
}

// A fresh Lambda context per invocation, as every runtime gives.
const context = () => ({ functionName: 'test' }) as Context;

describe('the declared publisher', () => {
  beforeEach(() => resetRejectionCounts());

  it('passes on an event the step declares', async () => {
    const { put, inner } = sink();
    await declaredPublisher(inner, ingest).publish([accepted]);
    expect(put.map((e) => e.detailType)).toEqual([voteAccepted.type]);
  });

  it('refuses an event the step does not declare, puts nothing and counts it', async () => {
    const { put, inner } = sink();
    await expect(declaredPublisher(inner, recordVotePrimary).publish([accepted])).rejects.toBeInstanceOf(
      UndeclaredEventError,
    );
    expect(put).toEqual([]);
    expect(rejectionCounts().get('recordVotePrimary:undeclared-event')).toBe(1);
  });
});

describe("a step's app", () => {
  beforeEach(() => resetRejectionCounts());
  afterEach(() => uninstallApp());

  it('publishes only what its trigger declares, through the app the context names', async () => {
    const { put, inner } = sink();
    const app = appPublishingTo(inner);
    const machineVote = await appFor(withStep(context(), recordVotePrimary, app));
    await expect(machineVote.ports.publisher.publish([accepted])).rejects.toThrow(
      'recordVotePrimary published vote.accepted',
    );
    await (await appFor(withStep(context(), ingest, app))).ports.publisher.publish([accepted]);
    expect(put).toHaveLength(1);
  });

  it('holds each invocation to its own step when invocations interleave', async () => {
    const { put, inner } = sink();
    installApp(appPublishingTo(inner));
    const late = (async () => {
      const app = await appFor(withStep(context(), recordVotePrimary));
      await new Promise((resolve) => setImmediate(resolve));
      return app.ports.publisher.publish([accepted]);
    })();
    await (await appFor(withStep(context(), ingest))).ports.publisher.publish([accepted]);
    await expect(late).rejects.toBeInstanceOf(UndeclaredEventError);
    expect(put).toHaveLength(1);
  });

  it('is the installed app, unchecked, for an invocation no runtime named a step for', async () => {
    const { put, inner } = sink();
    const app = appPublishingTo(inner);
    installApp(app);
    expect(await appFor(context())).toBe(app);
    await (await appFor(context())).ports.publisher.publish([accepted]);
    expect(put).toHaveLength(1);
  });

  it('is built once per app and step, sharing the watchers and settings of its app', () => {
    const app = appPublishingTo(sink().inner);
    const own = stepApp(app, ingest);
    expect(stepApp(app, ingest)).toBe(own);
    expect(own.monitors).toBe(app.monitors);
    expect(own.config).toBe(app.config);
    expect(own.ports.records).toBe(app.ports.records);
    expect(stepApp(appPublishingTo(sink().inner), ingest)).not.toBe(own);
  });
});

describe('a deployed step, told by its environment', () => {
  beforeEach(() => resetRejectionCounts());
  afterEach(() => {
    uninstallApp();
    delete process.env[STEP_VARIABLES.name];
    delete process.env[STEP_VARIABLES.publishes];
  });

  it('reads back the step and the events its environment was planned with, the same object each time', () => {
    const env = stepEnvironment(ingest);
    expect(stepOfEnvironment(env)).toEqual({
      name: 'ingestVote',
      publishes: ['vote.accepted', 'vote.rejected'],
    });
    expect(stepOfEnvironment({ ...env })).toBe(stepOfEnvironment(env));
    expect(stepOfEnvironment(stepEnvironment(recordVotePrimary))?.publishes).toEqual([]);
    expect(stepOfEnvironment({})).toBeUndefined();
  });

  it('refuses half a declaration or an event the catalogue does not hold', () => {
    expect(() => stepOfEnvironment({ [STEP_VARIABLES.name]: 'ingestVote' })).toThrow(
      'BALLOTSTREAM_STEP and BALLOTSTREAM_PUBLISHES are set together or not at all',
    );
    expect(() =>
      stepOfEnvironment({ [STEP_VARIABLES.name]: 'ingestVote', [STEP_VARIABLES.publishes]: '["vote.cast"]' }),
    ).toThrow('names vote.cast, not an event of the catalogue');
    expect(() =>
      stepOfEnvironment({ [STEP_VARIABLES.name]: 'ingestVote', [STEP_VARIABLES.publishes]: 'vote.accepted' }),
    ).toThrow('is not a JSON list of event types');
  });

  it('publishes through the step its environment names when no runtime names one on the context', async () => {
    const { put, inner } = sink();
    installApp(appPublishingTo(inner));
    Object.assign(process.env, stepEnvironment(recordVotePrimary));
    await expect((await appFor(context())).ports.publisher.publish([accepted])).rejects.toBeInstanceOf(
      UndeclaredEventError,
    );
    expect(rejectionCounts().get('recordVotePrimary:undeclared-event')).toBe(1);
    Object.assign(process.env, stepEnvironment(ingest));
    await (await appFor(context())).ports.publisher.publish([accepted]);
    expect(put).toHaveLength(1);
  });
});
