/** The MQTT topics of a stage; a machine may publish and subscribe only under its own id. */
export const topics = {
  root: (stage: string): string => `ballotstream/${stage}`,
  machineRoot: (stage: string, machineId: string): string => `ballotstream/${stage}/machines/${machineId}`,
  votes: (stage: string, machineId: string): string => `ballotstream/${stage}/machines/${machineId}/votes`,
  position: (stage: string, machineId: string): string =>
    `ballotstream/${stage}/machines/${machineId}/position`,
  sos: (stage: string, machineId: string): string => `ballotstream/${stage}/machines/${machineId}/sos`,
  /** Cloud → machine commands, published retained (the block state). */
  control: (stage: string, machineId: string): string =>
    `ballotstream/${stage}/machines/${machineId}/control`,
  /** The machine's signed result record at poll close. */
  results: (stage: string, machineId: string): string =>
    `ballotstream/${stage}/machines/${machineId}/results`,
  /** The cloud's own broker health probes (published through the data plane, read by a rule). */
  healthProbe: (stage: string, probeId: string): string => `ballotstream/${stage}/health/${probeId}`,
} as const;

/** A topic a rule listens on, with `+` standing for one level (the machine id at `machineLevel`). */
export interface TopicDefinition {
  /** The filter under the stage root, e.g. `machines/+/votes`. */
  readonly suffix: string;
  readonly description: string;
  /** The filter is a whole topic outside the stage root (AWS reserved topics such as `$aws/events/...`). */
  readonly absolute?: boolean;
  /** Only the cloud publishes here (the broker health probe): no machine policy grants it. */
  readonly cloudOnly?: boolean;
}

/** The full topic filter of a definition within a stage. */
export function topicFilter(stage: string, topic: TopicDefinition): string {
  return topic.absolute === true ? topic.suffix : `${topics.root(stage)}/${topic.suffix}`;
}

/** The 1-based level of the machine id in every machine topic (`topic(4)` in IoT SQL). */
export const MACHINE_TOPIC_LEVEL = 4;

export const voteTopic: TopicDefinition = {
  suffix: 'machines/+/votes',
  description: 'Signed votes from booth gateways (QoS 1).',
};

export const resultTopic: TopicDefinition = {
  suffix: 'machines/+/results',
  description: "A gateway's signed result record at poll close (QoS 1).",
};

export const positionTopic: TopicDefinition = {
  suffix: 'machines/+/position',
  description: 'GPS fixes from booth gateways (QoS 0, at most one every few seconds per machine).',
};

export const sosTopic: TopicDefinition = {
  suffix: 'machines/+/sos',
  description: "The booth staff's SOS (QoS 1).",
};

/** AWS IoT lifecycle events; the local broker reports the same activity through `onActivity`. */
export const presenceTopic: TopicDefinition = {
  suffix: '$aws/events/presence/+/+',
  description: 'IoT Core lifecycle events: a client connected or disconnected (AWS only).',
  absolute: true,
};

/**
 * Every message a machine publishes on its topics: in AWS a rule counts them per machine for the
 * fleet monitor (no Device Defender Detect); the local broker reports the same itself.
 */
export const machineTopicsTopic: TopicDefinition = {
  suffix: 'machines/+/+',
  description: "Every machine topic, for counting each machine's messages (AWS only).",
};

/** Health probes the API publishes to the broker; a rule records each, and the API reads them back. */
export const healthTopic: TopicDefinition = {
  suffix: 'health/+',
  description: 'Broker health probes published by the cloud itself (QoS 1); no machine may publish here.',
  cloudOnly: true,
};
