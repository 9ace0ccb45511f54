import { machineBlocked, sosRaised, voteAccepted, voteTopic } from '@ballotstream/events';
import { describe, expect, it } from 'vitest';
import { handlerRef, http, machineMessageSelect, schedule, subscribe, topicRule } from './trigger-builders';

const step = {
  name: 'example',
  description: 'An example step.',
  handler: 'casting/record-votes.primary',
} as const;

describe('the trigger builders', () => {
  it('read a handler path into the module and export SST, the runtime and the harness use', () => {
    expect(handlerRef('casting/record-votes.primary')).toEqual({
      file: 'casting/record-votes',
      export: 'primary',
      module: '@ballotstream/functions/casting/record-votes',
    });
  });

  it("take a subscriber's pattern from the event definition, on the primary bus with two retries", () => {
    const trigger = subscribe(voteAccepted, step);
    expect(trigger.pattern).toEqual({ source: [voteAccepted.source], 'detail-type': [voteAccepted.type] });
    expect(trigger.region).toBe('primary');
    expect(trigger.retries).toBe(2);
    expect(trigger.publishes).toEqual([]);
  });

  it('name each source once when a subscriber waits for several events', () => {
    const trigger = subscribe([machineBlocked, sosRaised, voteAccepted], { ...step, region: 'secondary' });
    expect(trigger.pattern.source).toEqual([machineBlocked.source, voteAccepted.source]);
    expect(trigger.pattern['detail-type']).toEqual([machineBlocked.type, sosRaised.type, voteAccepted.type]);
    expect(trigger.region).toBe('secondary');
  });

  it('split a route key into method and path', () => {
    const trigger = http('POST /machines/{machineId}/block', { ...step, roles: ['officer'] });
    expect([trigger.method, trigger.path, trigger.roles]).toEqual([
      'POST',
      '/machines/{machineId}/block',
      ['officer'],
    ]);
  });

  it('give a topic rule the machine-message SELECT unless told otherwise', () => {
    expect(topicRule(voteTopic, step).select).toBe(machineMessageSelect);
    const own = [{ as: 'payload', fn: 'payload-base64' }] as const;
    expect(topicRule(voteTopic, { ...step, select: own }).select).toBe(own);
  });

  it('record what a step publishes as the detail-types of the definitions given', () => {
    expect(schedule('rate(1 minute)', { ...step, publishes: [voteAccepted] }).publishes).toEqual([
      voteAccepted.type,
    ]);
  });
});
