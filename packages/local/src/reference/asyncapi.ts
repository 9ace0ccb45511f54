import {
  controlMessageSchema,
  healthProbeSchema,
  healthTopic,
  positionMessageSchema,
  positionTopic,
  presenceEventSchema,
  presenceTopic,
  resultRecordSchema,
  resultTopic,
  sosMessageSchema,
  sosTopic,
  type TopicDefinition,
  voteMessageSchema,
  voteTopic,
} from '@ballotstream/events';
import type { z } from 'zod';
import { jsonSchemaOf } from './openapi';

interface Channel {
  /** The AsyncAPI channel id and message name. */
  readonly id: string;
  /** The topic filter under `ballotstream/{stage}/`, with `+` standing for one level. */
  readonly topic: TopicDefinition;
  readonly message: z.ZodType;
  /** Who publishes: a booth machine (the cloud receives) or the cloud (the machine receives). */
  readonly from: 'machine' | 'cloud';
}

const controlTopic: TopicDefinition = {
  suffix: 'machines/+/control',
  description: "Cloud → machine commands, published retained (the machine's block state); QoS 1.",
  cloudOnly: true,
};

/** Every MQTT topic of a stage with the message it carries, from packages/events. */
export const channels: readonly Channel[] = [
  { id: 'votes', topic: voteTopic, message: voteMessageSchema, from: 'machine' },
  { id: 'results', topic: resultTopic, message: resultRecordSchema, from: 'machine' },
  { id: 'position', topic: positionTopic, message: positionMessageSchema, from: 'machine' },
  { id: 'sos', topic: sosTopic, message: sosMessageSchema, from: 'machine' },
  { id: 'control', topic: controlTopic, message: controlMessageSchema, from: 'cloud' },
  { id: 'healthProbe', topic: healthTopic, message: healthProbeSchema, from: 'cloud' },
  { id: 'presence', topic: presenceTopic, message: presenceEventSchema, from: 'cloud' },
];

/** The address of a topic in AsyncAPI form: `+` levels become `{machineId}` (or `{id}`) parameters. */
export function channelAddress(topic: TopicDefinition): string {
  let n = 0;
  const levels = topic.suffix.split('/').map((level) => {
    if (level !== '+') return level;
    n++;
    return topic.suffix.startsWith('machines/') && n === 1 ? '{machineId}' : `{level${n}}`;
  });
  return topic.absolute === true ? levels.join('/') : `ballotstream/{stage}/${levels.join('/')}`;
}

/** The MQTT topics and messages as an AsyncAPI 3.0 document. */
export function asyncApiDocument(brokerUrl?: string): Record<string, unknown> {
  const doc: Record<string, Record<string, unknown>> = { channels: {}, operations: {}, messages: {} };
  for (const c of channels) {
    const address = channelAddress(c.topic);
    const parameters = Object.fromEntries(
      [...address.matchAll(/\{([^}]+)\}/g)].map(([, name]) => [
        name,
        { description: name === 'stage' ? 'The stage (blueprint `stage`).' : `The topic level ${name}.` },
      ]),
    );
    doc.messages![c.id] = {
      name: c.id,
      contentType: 'application/json',
      payload: jsonSchemaOf(c.message),
    };
    doc.channels![c.id] = {
      address,
      description: c.topic.description,
      parameters,
      messages: { [c.id]: { $ref: `#/components/messages/${c.id}` } },
    };
    doc.operations![`${c.from === 'machine' ? 'receive' : 'send'}${c.id[0]!.toUpperCase()}${c.id.slice(1)}`] =
      {
        // The document speaks for the platform: it receives what machines publish, sends what it publishes.
        action: c.from === 'machine' ? 'receive' : 'send',
        channel: { $ref: `#/channels/${c.id}` },
        messages: [{ $ref: `#/channels/${c.id}/messages/${c.id}` }],
      };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'ballotstream MQTT topics',
      version: '1.0.0',
      description:
        'Generated from packages/events (topics and message schemas). Machines connect over TLS with a client certificate from the election CA. See docs/integrators.md.',
    },
    defaultContentType: 'application/json',
    servers: {
      broker: {
        host: brokerUrl === undefined ? 'localhost:8883' : new URL(brokerUrl).host,
        protocol: brokerUrl?.startsWith('mqtt:') ? 'mqtt' : 'mqtts',
        description: 'The embedded broker locally; AWS IoT Core in a deployment.',
      },
    },
    channels: doc.channels,
    operations: doc.operations,
    components: { messages: doc.messages },
  };
}
