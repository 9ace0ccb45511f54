import { topicFilter, topics } from '@ballotstream/events';
import { type Trigger, triggers } from '@ballotstream/functions/triggers';
import { describe, expect, it } from 'vitest';
import { isAllowed, machinePolicyDocument } from './iot-policy';

const all = triggers as readonly Trigger[];
const stage = 'election-2026';
const policy = machinePolicyDocument(stage, 'ap-south-1', '123456789012', all);
const arn = (kind: string, rest: string) => `arn:aws:iot:ap-south-1:123456789012:${kind}/${rest}`;
const m1 = { thingName: 'm1', certificateAttached: true };

describe('the machine IoT policy', () => {
  it('lets a machine connect only with its own thing name as client id', () => {
    expect(isAllowed(policy, 'iot:Connect', arn('client', 'm1'), m1)).toBe(true);
    expect(isAllowed(policy, 'iot:Connect', arn('client', 'm2'), m1)).toBe(false);
  });

  it('refuses a connection whose certificate is not attached to the thing', () => {
    expect(
      isAllowed(policy, 'iot:Connect', arn('client', 'm1'), { thingName: 'm1', certificateAttached: false }),
    ).toBe(false);
  });

  it('lets a machine publish on every rule topic under its own id', () => {
    for (const trigger of all) {
      if (trigger.kind !== 'topic-rule' || trigger.topic.absolute === true || trigger.topic.cloudOnly)
        continue;
      const own = topicFilter(stage, trigger.topic).replace('+', 'm1');
      expect(isAllowed(policy, 'iot:Publish', arn('topic', own), m1), own).toBe(true);
    }
  });

  it('refuses a machine the broker health topic, which only the cloud publishes on', () => {
    expect(isAllowed(policy, 'iot:Publish', arn('topic', topics.healthProbe(stage, 'm1')), m1)).toBe(false);
  });

  it("refuses publishing on another machine's topics", () => {
    expect(isAllowed(policy, 'iot:Publish', arn('topic', topics.votes(stage, 'm2')), m1)).toBe(false);
    expect(isAllowed(policy, 'iot:Publish', arn('topic', topics.votes(stage, 'm10')), m1)).toBe(false);
  });

  it('refuses publishing under another stage', () => {
    expect(isAllowed(policy, 'iot:Publish', arn('topic', topics.votes('other', 'm1')), m1)).toBe(false);
  });

  it('refuses publishing on a topic no rule reads, even under its own root', () => {
    expect(
      isAllowed(policy, 'iot:Publish', arn('topic', `${topics.machineRoot(stage, 'm1')}/anything`), m1),
    ).toBe(false);
  });

  it('lets a machine subscribe and receive under its own root only', () => {
    const own = `${topics.machineRoot(stage, 'm1')}/control`;
    const other = `${topics.machineRoot(stage, 'm2')}/control`;
    expect(isAllowed(policy, 'iot:Subscribe', arn('topicfilter', own), m1)).toBe(true);
    expect(isAllowed(policy, 'iot:Receive', arn('topic', own), m1)).toBe(true);
    expect(isAllowed(policy, 'iot:Subscribe', arn('topicfilter', other), m1)).toBe(false);
    expect(isAllowed(policy, 'iot:Subscribe', arn('topicfilter', `ballotstream/${stage}/#`), m1)).toBe(false);
  });

  it('lets no machine publish on AWS reserved topics, which rules may read', () => {
    expect(isAllowed(policy, 'iot:Publish', arn('topic', '$aws/events/presence/connected/m1'), m1)).toBe(
      false,
    );
  });

  it("lets a machine take its own IoT Jobs and nobody else's", () => {
    const jobs = (thing: string) => `$aws/things/${thing}/jobs`;
    expect(isAllowed(policy, 'iot:Publish', arn('topic', `${jobs('m1')}/start-next`), m1)).toBe(true);
    expect(isAllowed(policy, 'iot:Publish', arn('topic', `${jobs('m1')}/gw-1-1-0-w1/update`), m1)).toBe(true);
    expect(isAllowed(policy, 'iot:Subscribe', arn('topicfilter', `${jobs('m1')}/notify-next`), m1)).toBe(
      true,
    );
    expect(isAllowed(policy, 'iot:Receive', arn('topic', `${jobs('m1')}/start-next/accepted`), m1)).toBe(
      true,
    );
    expect(isAllowed(policy, 'iot:Publish', arn('topic', `${jobs('m2')}/gw-1-1-0-w1/update`), m1)).toBe(
      false,
    );
    expect(isAllowed(policy, 'iot:Subscribe', arn('topicfilter', `${jobs('m2')}/notify-next`), m1)).toBe(
      false,
    );
    expect(isAllowed(policy, 'iot:Subscribe', arn('topicfilter', `${jobs('m1')}/#`), m1)).toBe(false);
  });

  it('grants nothing it does not name', () => {
    expect(isAllowed(policy, 'iot:UpdateThingShadow', arn('thing', 'm1'), m1)).toBe(false);
    expect(policy.Statement.flatMap((s) => s.Action).every((a) => !a.includes('*'))).toBe(true);
  });
});
