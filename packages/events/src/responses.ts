import { z } from 'zod';
import { alertSchema } from './alerts';
import { closeStatusSchema } from './close-of-poll';
import { epochMsSchema } from './common';
import { geoPointSchema } from './registry';
import { ticketStatusSchema } from './verification';

// The bodies the HTTP API answers with, as the web apps and integrators read them. Objects are
// not strict: a field added to an answer does not break a reader that does not know it yet.

const lonLatRingSchema = z.array(z.tuple([z.number(), z.number()]));

/** A booth as `GET /booths` lists it: its place, geofence and the voters registered there. */
export const boothListingSchema = z.object({
  boothId: z.string(),
  name: z.string(),
  nameHi: z.string().optional(),
  address: z.string(),
  constituencyId: z.string(),
  constituencyName: z.string().optional(),
  constituencyNameHi: z.string().optional(),
  regionId: z.string(),
  location: geoPointSchema.optional(),
  geofence: lonLatRingSchema.optional(),
  distanceKm: z.number().optional(),
  electorate: z.number().int().nonnegative().optional(),
});
export type BoothListing = z.infer<typeof boothListingSchema>;

/** Answer of `GET /booths`: one page; `next`, while there is more, is the `after` of the next page. */
export const boothsResponseSchema = z.object({
  booths: z.array(boothListingSchema),
  next: z.string().optional(),
});

/** Answer of `GET /constituencies`. */
export const constituenciesResponseSchema = z.object({
  constituencies: z.array(
    z.object({
      constituencyId: z.string(),
      name: z.string(),
      nameHi: z.string().optional(),
      regionId: z.string(),
    }),
  ),
});
export type ConstituencyListing = z.infer<typeof constituenciesResponseSchema>['constituencies'][number];

/** A candidate as `GET /candidates` lists it: name and party, nothing else. */
export const candidateListingSchema = z.object({
  candidateId: z.string(),
  name: z.string(),
  nameHi: z.string().optional(),
  party: z.string(),
  partyHi: z.string().optional(),
  ballotOrder: z.number().int(),
});
export type CandidateListing = z.infer<typeof candidateListingSchema>;

/** Answer of `GET /candidates?constituencyId=`. */
export const candidatesResponseSchema = z.object({
  constituencyId: z.string(),
  candidates: z.array(candidateListingSchema),
});

/** The states the map shows a machine in, the most urgent first. */
export const machineStateSchema = z.enum(['blocked', 'off-geofence', 'offline', 'voting', 'idle']);
export type MachineViewState = z.infer<typeof machineStateSchema>;

/** A machine as the map shows it. */
export const machineViewSchema = z.object({
  machineId: z.string(),
  boothId: z.string(),
  constituencyId: z.string(),
  regionId: z.string(),
  state: machineStateSchema,
  blocked: z.boolean(),
  position: geoPointSchema.optional(),
  positionFrom: z.enum(['gps', 'booth', 'unknown']),
  lastSeenAt: epochMsSchema.optional(),
});
export type MachineView = z.infer<typeof machineViewSchema>;

/** Answer of `GET /machines`. */
export const machinesResponseSchema = z.object({
  regionId: z.string().nullable(),
  machines: z.array(machineViewSchema),
});

/** One line of a machine's recent history; Defender behaviours carry their metric. */
export const machineEventSchema = z.object({
  type: z.string(),
  at: epochMsSchema,
  summary: z.string(),
  behaviour: z.string().optional(),
  metricValue: z.number().optional(),
  threshold: z.number().optional(),
});

/** The latest check of a machine's signed result record against what the cloud stored. */
export const resultStatusSchema = z.object({
  verified: z.boolean(),
  voteCount: z.number().int(),
  storedVotes: z.number().int(),
  problems: z.array(z.string()),
  checkedAt: z.string(),
});
export type ResultStatus = z.infer<typeof resultStatusSchema>;

/** Answer of `GET /machines/{machineId}`. */
export const machineDetailResponseSchema = z.object({
  machine: machineViewSchema,
  booth: z
    .object({
      boothId: z.string(),
      name: z.string(),
      location: geoPointSchema,
      geofence: lonLatRingSchema,
    })
    .optional(),
  trail: z.array(geoPointSchema.extend({ at: epochMsSchema })),
  events: z.array(machineEventSchema),
  defender: z.array(machineEventSchema),
  result: resultStatusSchema.optional(),
});
export type MachineDetail = z.infer<typeof machineDetailResponseSchema>;

/** Answer of `POST /machines/{machineId}/block` and `/unblock`. */
export const blockResponseSchema = z.object({
  machineId: z.string(),
  blocked: z.boolean(),
  changed: z.boolean(),
});

/** Answer of `GET /alerts`. */
export const alertsResponseSchema = z.object({ alerts: z.array(alertSchema) });

/** Answer of `POST /alerts/{alertId}/ack`. */
export const ackResponseSchema = z.object({ alert: alertSchema, changed: z.boolean() });

/** Answer of `GET /turnout`: votes per tally window and the running total. */
export const turnoutResponseSchema = z.object({
  electionId: z.string(),
  regionId: z.string().optional(),
  totalVotes: z.number().int().nonnegative(),
  points: z.array(
    z.object({
      windowStart: epochMsSchema,
      votes: z.number().int().nonnegative(),
      cumulative: z.number().int().nonnegative(),
    }),
  ),
  /** The same per constituency of the scope: running totals at the windows it had votes in. */
  constituencies: z
    .array(
      z.object({
        constituencyId: z.string(),
        points: z.array(z.object({ windowStart: epochMsSchema, cumulative: z.number().int().nonnegative() })),
      }),
    )
    .default([]),
  closesAt: z.string().optional(),
});
export type TurnoutResponse = z.infer<typeof turnoutResponseSchema>;

/** One candidate's votes in one scope (a constituency, a region or the country). */
export const tallyLineSchema = z.object({
  scope: z.string(),
  candidateId: z.string(),
  votes: z.number().int().nonnegative(),
});
export type TallyLine = z.infer<typeof tallyLineSchema>;

/** Answer of `GET /tallies` and `GET /monitor/tallies`. */
export const tallyReportSchema = z.object({
  electionId: z.string(),
  level: z.enum(['constituency', 'region', 'country']),
  totalVotes: z.number().int().nonnegative(),
  lines: z.array(tallyLineSchema),
});
export type TallyReport = z.infer<typeof tallyReportSchema>;

/** What the last tally run found for one window. */
export const windowStatusSchema = z.object({
  windowStart: epochMsSchema,
  windowEnd: epochMsSchema,
  votes: z.number().int().nonnegative(),
  agreement: z.enum(['agree', 'diverged', 'primary-only', 'secondary-only']),
  materialisedAt: z.string(),
});
export type WindowStatusView = z.infer<typeof windowStatusSchema>;

/** Answer of `GET /tallies/windows`. */
export const windowsResponseSchema = z.object({
  electionId: z.string(),
  windows: z.array(windowStatusSchema),
});

const closeCountsSchema = z.object({
  expected: z.number().int().nonnegative(),
  reconciled: z.number().int().nonnegative(),
  disagreeing: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
});
export type CloseCountsView = z.infer<typeof closeCountsSchema>;

/** Answer of `GET /close/rollup`: machines reconciled per booth, constituency, region and nation. */
export const closeRollupSchema = z.object({
  electionId: z.string(),
  regionId: z.string().optional(),
  closesAt: z.string().optional(),
  nation: closeCountsSchema,
  regions: z.array(closeCountsSchema.extend({ regionId: z.string() })),
  constituencies: z.array(closeCountsSchema.extend({ constituencyId: z.string(), regionId: z.string() })),
  booths: z.array(
    closeCountsSchema.extend({ boothId: z.string(), constituencyId: z.string(), regionId: z.string() }),
  ),
  unreconciled: z.array(
    z.object({
      machineId: z.string(),
      boothId: z.string(),
      constituencyId: z.string(),
      regionId: z.string(),
      status: closeStatusSchema,
      problems: z.array(z.string()),
      exception: z.string().optional(),
    }),
  ),
});
export type CloseRollupView = z.infer<typeof closeRollupSchema>;

/** Answer of `GET /close/certification` and `GET /results/certification`. */
export const certificationReportSchema = z.object({
  electionId: z.string(),
  certified: z.number().int().nonnegative(),
  pending: z.number().int().nonnegative(),
  allCertifiedAt: z.string().optional(),
  constituencies: z.array(
    z.object({
      constituencyId: z.string(),
      regionId: z.string(),
      name: z.string(),
      status: z.enum(['certified', 'pending']),
      certifiedAt: z.string().optional(),
    }),
  ),
});
export type CertificationReportView = z.infer<typeof certificationReportSchema>;

/** Answer of `GET /tickets/{ticketId}/status`. */
export const ticketStatusResponseSchema = z.object({ ticketId: z.string(), status: ticketStatusSchema });

/** Answer of `GET /health` (200 when every dependency is up, else 503 with the same body). */
export const healthResponseSchema = z
  .object({
    status: z.enum(['ok', 'degraded']).or(z.string()),
    /** Refused inputs counted so far, by `<step>:<reason>`. */
    rejections: z.record(z.string(), z.number().int().nonnegative()),
  })
  .catchall(z.enum(['up', 'down']).or(z.unknown()))
  .describe('Each dependency (cache, records) by name, `up` or `down`, beside the status and the refusals.');

/** Answer of `GET /health/broker` (200 when every probe came back, else 503 with the same body). */
export const brokerHealthResponseSchema = z.object({
  status: z.enum(['up', 'down']),
  probeId: z.string(),
  sent: z.number().int().nonnegative(),
  received: z.number().int().nonnegative(),
  elapsedMs: z.number().nonnegative(),
  problem: z.enum(['publish-failed', 'not-all-returned']).optional(),
});

/** Answer of `POST /verifications` (201): the one-time ballot token for the named machine. */
export const verificationResponseSchema = z.object({
  ballotToken: z.string(),
  machineId: z.string(),
  /** Epoch ms when the token stops being accepted, rounded up to the secrecy bucket. */
  expiresAt: epochMsSchema,
  /** The voter is registered at another booth. */
  visitor: z.boolean(),
});

/** Which region writes voter statuses: the answer of `POST /verification/handover`. */
export const verificationOwnershipSchema = z.object({
  region: z.string(),
  epoch: z.number().int().nonnegative(),
  /** `<region>@<epoch>`. */
  writer: z.string(),
  handedAt: epochMsSchema,
  writableFrom: epochMsSchema,
  from: z.string().optional(),
  forced: z.boolean().optional(),
});

/** Answer of `GET /verification/owner`: the ownership as this region's replica knows it. */
export const verificationOwnerResponseSchema = verificationOwnershipSchema.extend({
  thisRegion: z.string(),
  writesHere: z.boolean(),
});

/** Answer of `POST /tickets` and `/tickets/{ticketId}/reissue` (201): the card to print. */
export const issuedTicketResponseSchema = z.object({
  ticketId: z.string(),
  /** The signed ticket (`BT1.…`), printed as a QR code. */
  ticket: z.string(),
  electionId: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string(),
  photoRef: z.string(),
  /** The ticket a reissue replaces. */
  replaces: z.string().optional(),
});

/** Answer of `POST /tickets/{ticketId}/revoke`. */
export const revokedTicketResponseSchema = z.object({
  ticketId: z.string(),
  status: z.literal('revoked'),
  revokedAt: z.string(),
});

/** Answer of `GET /ticket-keys`: the public keys tickets are signed with, for offline checks. */
export const ticketKeysResponseSchema = z.object({
  currentKeyId: z.string(),
  keys: z.array(z.object({ keyId: z.string(), publicKeyPem: z.string() })),
});

/** Answer of `POST /close/constituencies/{constituencyId}/exceptions`: the certification it completed, if any. */
export const closeExceptionResponseSchema = z.object({
  certification: z
    .object({
      constituencyId: z.string(),
      regionId: z.string(),
      certifiedAt: z.string(),
      basis: z.enum(['reconciled', 'exceptions']),
      machines: z.number().int().nonnegative(),
      exceptions: z.number().int().nonnegative(),
    })
    .optional(),
});

/** A registry entity as stored (`GET /admin/{entities}/{id}`, and the answer of a create or update). */
export const registryEntityResponseSchema = z
  .record(z.string(), z.unknown())
  .describe("The entity's fields as its schema (election, region, constituency, …) defines them.");

/** Answer of `GET /admin/{entities}`: one page; pass `cursor` back for the next. */
export const registryPageResponseSchema = z.object({
  items: z.array(registryEntityResponseSchema),
  cursor: z.string().optional(),
});

/** One entry of the hash-chained audit log. */
export const auditEntrySchema = z.object({
  seq: z.number().int().positive(),
  prevHash: z.string(),
  hash: z.string(),
  actor: z.string(),
  at: epochMsSchema,
  action: z.string(),
  subject: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** Answer of `GET /audit`: entries in order; `next` is the `from` of the next page. */
export const auditListResponseSchema = z.object({
  entries: z.array(auditEntrySchema),
  next: z.number().int().positive().optional(),
});

/** Answer of `GET /audit/verify`: 200 with `intact: true`, or 409 naming where the chain breaks. */
export const auditVerifyResponseSchema = z.object({
  intact: z.literal(true),
  entries: z.number().int().nonnegative(),
  head: z.object({ seq: z.number().int(), hash: z.string() }).optional(),
});

/** A request whose body, query or path does not parse (400): every bad field is named. */
export const invalidInputErrorSchema = z
  .object({
    error: z.literal('invalid-input'),
    where: z.enum(['body', 'query', 'path']).or(z.string()),
    /** `field: what is wrong`, one a field. */
    problems: z.array(z.string()),
  })
  .describe('A request whose body, query or path does not parse: every bad field is named.');

/** Anything else refused: a domain reason, `unavailable` (503, with Retry-After) or `internal` (500). */
export const refusalErrorSchema = z
  .object({ error: z.string(), message: z.string() })
  .describe(
    'Anything else refused: a domain reason (already-voted, forged, not-found, …), `unavailable` (503, with Retry-After) or `internal` (500).',
  );
