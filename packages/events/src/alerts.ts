import { z } from 'zod';
import { epochMsSchema, idSchema, isoTimeSchema } from './common';
import { defineEvent } from './define';

const source = 'ballotstream.alerts';

/** The anomaly rules; each names a pattern in votes, verifications or the fleet. */
export const anomalyRuleSchema = z.enum([
  'vote-rate',
  'burst-after-silence',
  'outside-poll-hours',
  'turnout-above-electorate',
  'verification-refusals',
  'repeat-voter',
  'bad-credentials',
  'machine-silent',
  'machine-offline',
  'off-geofence',
  'regions-diverged',
  'booth-trend',
  'device-audit',
]);
export type AnomalyRule = z.infer<typeof anomalyRuleSchema>;

export const severitySchema = z.enum(['info', 'warning', 'critical']);
export type Severity = z.infer<typeof severitySchema>;

/** What an alert or anomaly is about: the narrowest of machine, booth and region it names. */
export const subjectSchema = z.object({
  regionId: z.string().min(1).max(64).optional(),
  constituencyId: z.string().min(1).max(64).optional(),
  boothId: z.string().min(1).max(64).optional(),
  machineId: z.string().min(1).max(128).optional(),
});
export type AlertSubject = z.infer<typeof subjectSchema>;

const evidenceSchema = z.record(z.string(), z.unknown());

export const anomalyDetected = defineEvent({
  type: 'anomaly.detected',
  source,
  version: 1,
  description: 'An anomaly rule fired on votes, verifications or the fleet; the evidence says why.',
  schema: subjectSchema.extend({
    rule: anomalyRuleSchema,
    severity: severitySchema,
    evidence: evidenceSchema,
    detectedAt: isoTimeSchema,
  }),
});

/** Everything an alert can be raised for: an anomaly rule, a fleet behaviour, or an SOS. */
export const alertKindSchema = z.string().min(1).max(64);

/** An alert as officers see it (`GET /alerts`, the live feed, the notification). */
export const alertSchema = z.object({
  alertId: idSchema,
  kind: alertKindSchema,
  severity: severitySchema,
  region: z.string().min(1).max(64),
  booth: z.string().max(64).optional(),
  machine: z.string().max(128).optional(),
  evidence: evidenceSchema,
  firstSeen: epochMsSchema,
  lastSeen: epochMsSchema,
  count: z.number().int().positive(),
  escalated: z.boolean(),
  acknowledgedAt: epochMsSchema.optional(),
  acknowledgedBy: z.string().max(200).optional(),
});
export type Alert = z.infer<typeof alertSchema>;

export const alertRaised = defineEvent({
  type: 'alert.raised',
  source,
  version: 1,
  description: 'A new alert for a region; repeats of the same subject within the window only count up.',
  schema: alertSchema,
});

export const alertEscalated = defineEvent({
  type: 'alert.escalated',
  source,
  version: 1,
  description: 'An alert was not acknowledged in time and goes to the national desk as well.',
  schema: alertSchema,
});

export const alertAcknowledged = defineEvent({
  type: 'alert.acknowledged',
  source,
  version: 1,
  description: 'An officer of the alert’s region (or an admin) acknowledged an alert.',
  schema: z.object({
    alertId: idSchema,
    region: z.string().min(1).max(64),
    by: z.string(),
    at: isoTimeSchema,
  }),
});

/** Body of `POST /machines/{machineId}/block` and `/unblock`. */
export const blockRequestSchema = z.object({
  reason: z
    .string()
    .trim()
    .min(3, 'must say why, in at least 3 characters')
    .max(280, 'must be at most 280 characters'),
});
export type BlockRequest = z.infer<typeof blockRequestSchema>;

/** Query of `GET /alerts` (and `GET /alerts/stream`). */
export const alertsQuerySchema = z.object({
  region: z.string().min(1).max(64).optional(),
  /** One severity or several, comma-separated: `critical,warning`. */
  severity: z
    .string()
    .optional()
    .transform((s) => (s === undefined ? undefined : s.split(',').map((x) => x.trim())))
    .pipe(z.array(severitySchema).optional()),
  status: z.enum(['open', 'acknowledged', 'all']).default('all'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AlertsQuery = z.infer<typeof alertsQuerySchema>;

// The words officers read for each kind of alert: the SMS, the email and the monitoring centre
// all take them from here, so an officer sees one name for one thing.
const TITLES: Record<string, string> = {
  sos: 'SOS',
  'vote-rate': 'Votes too fast',
  'burst-after-silence': 'Vote burst after silence',
  'outside-poll-hours': 'Votes outside poll hours',
  'turnout-above-electorate': 'Turnout above electorate',
  'verification-refusals': 'Repeated voter refusals',
  'repeat-voter': 'Voter tried many booths',
  'bad-credentials': 'Forged votes/tokens',
  'machine-silent': 'Machine silent',
  'machine-offline': 'Machine offline',
  'off-geofence': 'Machine left booth',
  'regions-diverged': 'Regions disagree on tally',
  'booth-trend': 'Booth result unusual',
  'device-audit': 'Device audit finding',
  'authorization-failures': 'Machine auth failures',
  'message-rate': 'Machine flooding',
  'unexpected-source': 'Machine from unknown network',
  'reconnect-storm': 'Machine reconnect storm',
  'two-places': 'Machine in two places',
};

const ACTIONS: Record<string, string> = {
  sos: 'Machines blocked. Call booth, send team.',
  'off-geofence': 'Machine blocked? Call booth, locate it.',
  'machine-silent': 'Call booth, check machine.',
  'machine-offline': 'Call booth, check power/link.',
  'regions-diverged': 'Check recorders, hold results.',
  'booth-trend': 'Review booth, keep watching.',
  'device-audit': 'Check the fleet setup named.',
  'verification-refusals': 'Call booth presiding officer.',
  'repeat-voter': 'Alert booths, check ticket.',
};

/** What an alert of this kind is, in a few words an officer reads at a glance. */
export function alertTitleOf(kind: string): string {
  return TITLES[kind] ?? kind;
}

/** What an officer should do now about an alert of this kind. */
export function alertActionOf(kind: string): string {
  return ACTIONS[kind] ?? 'Check booth; block machine if needed.';
}
