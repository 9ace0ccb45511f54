import { z } from 'zod';
import { base64urlSchema, idSchema, isoTimeSchema } from './common';
import { defineEvent } from './define';

const source = 'ballotstream.registry';

/** A calendar day, `YYYY-MM-DD`. */
export const daySchema = z.iso.date();

/** A point as the GPS of a machine reports it. */
export const geoPointSchema = z.object({
  lat: z.number().min(-90, 'must be at least -90').max(90, 'must be at most 90'),
  lon: z.number().min(-180, 'must be at least -180').max(180, 'must be at most 180'),
});
export type GeoPoint = z.infer<typeof geoPointSchema>;

/** A closed ring of `[lon, lat]` positions (GeoJSON order), first equal to last, as Amazon Location takes it. */
export const geofencePolygonSchema = z
  .array(z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]))
  .min(4, 'needs at least 4 positions (a triangle, closed)')
  .max(1000, 'may have at most 1000 positions')
  .refine(
    (ring) => ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1],
    'must be closed: the last position equals the first',
  );

export const electionSchema = z.object({
  electionId: idSchema,
  name: z.string().min(1).max(200),
  pollDay: daySchema,
  /** When polls open and close; candidates and booths are frozen from `opensAt`. */
  opensAt: isoTimeSchema,
  closesAt: isoTimeSchema,
  timeZone: z.string().min(1).max(64),
});

export const regionSchema = z.object({
  regionId: idSchema,
  name: z.string().min(1).max(200),
});

/** A name's Hindi form, where the registry has one; the apps show it to Hindi readers. */
export const hindiNameSchema = z.string().min(1).max(200).optional();

export const constituencySchema = z.object({
  constituencyId: idSchema,
  regionId: idSchema,
  name: z.string().min(1).max(200),
  nameHi: hindiNameSchema,
});

export const candidateSchema = z.object({
  candidateId: idSchema,
  constituencyId: idSchema,
  /** Filled from the constituency. */
  regionId: idSchema,
  name: z.string().min(1).max(200),
  nameHi: hindiNameSchema,
  party: z.string().min(1).max(200),
  partyHi: hindiNameSchema,
  /** Position on the ballot, from 1. */
  ballotOrder: z.number().int().positive(),
});

export const boothSchema = z.object({
  boothId: idSchema,
  constituencyId: idSchema,
  /** Filled from the constituency; a caller need not send it. */
  regionId: idSchema,
  name: z.string().min(1).max(200),
  nameHi: hindiNameSchema,
  address: z.string().max(500).default(''),
  location: geoPointSchema,
  /** Voters registered at this booth: turnout above it is an anomaly. */
  electorate: z.number().int().nonnegative(),
  geofence: geofencePolygonSchema,
  /**
   * When this booth closes, where it closes later than the election (a late-closing booth):
   * ingest, verification, the close of poll and the anomaly rules use it for this booth alone.
   */
  closesAt: z.iso
    .datetime({
      offset: true,
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not a time with its offset, such as 2029-04-19T20:00:00+05:30`,
    })
    .optional(),
});

export const machineSchema = z.object({
  machineId: idSchema,
  boothId: idSchema,
  /** Filled from the booth. */
  constituencyId: idSchema,
  /** Filled from the booth. */
  regionId: idSchema,
  /** Raw Ed25519 public key, base64url: it verifies every vote the machine signs. */
  publicKey: base64urlSchema.refine((k) => Buffer.from(k, 'base64url').length === 32, 'must be 32 bytes'),
  /** The machine's X.509 certificate (PEM), when IoT Core holds one for it. */
  certificatePem: z.string().startsWith('-----BEGIN CERTIFICATE-----').max(8192).optional(),
  blocked: z.boolean().default(false),
});

export const notificationChannelSchema = z.enum(['sms', 'email']);
export const alertSeveritySchema = z.enum(['info', 'warning', 'critical']);

export const officerSchema = z.object({
  officerId: idSchema,
  name: z.string().min(1).max(200),
  regionId: idSchema,
  /** E.164, as SNS sends SMS to it. */
  phone: z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 number such as +919812345678'),
  email: z.email('must be an email address'),
  notifyBy: z.array(notificationChannelSchema).max(2).default(['sms', 'email']),
  /** Alerts below this severity are not sent to the officer. */
  minSeverity: alertSeveritySchema.default('warning'),
});

/** A person of the national voter roll as imported into the local stand-in of the voter registry. */
export const voterRowSchema = z.object({
  voterId: idSchema,
  name: z.string().min(1).max(200),
  constituencyId: idSchema,
  /** Where the issue centre finds the person's photograph; empty when there is none. */
  photoRef: z.string().max(500).default(''),
  eligible: z.boolean().default(true),
});

/** Every kind of registry entity, its id field and its schema. */
export const registryEntities = {
  election: { idField: 'electionId', schema: electionSchema },
  region: { idField: 'regionId', schema: regionSchema },
  constituency: { idField: 'constituencyId', schema: constituencySchema },
  candidate: { idField: 'candidateId', schema: candidateSchema },
  booth: { idField: 'boothId', schema: boothSchema },
  machine: { idField: 'machineId', schema: machineSchema },
  officer: { idField: 'officerId', schema: officerSchema },
} as const;

export type RegistryEntity = keyof typeof registryEntities;
export const registryEntitySchema = z.enum([
  'election',
  'region',
  'constituency',
  'candidate',
  'booth',
  'machine',
  'officer',
]);
export type RegistryRecordOf<E extends RegistryEntity> = z.output<(typeof registryEntities)[E]['schema']>;

/** The plural a route path uses for an entity (`/admin/booths`). */
export const entityPlurals: Readonly<Record<string, RegistryEntity>> = {
  elections: 'election',
  regions: 'region',
  constituencies: 'constituency',
  candidates: 'candidate',
  booths: 'booth',
  machines: 'machine',
  officers: 'officer',
};

/** `GET /admin/{entities}`: a page of one kind, optionally narrowed. */
export const registryListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
  regionId: idSchema.optional(),
  constituencyId: idSchema.optional(),
  boothId: idSchema.optional(),
});
export type RegistryListQuery = z.infer<typeof registryListQuerySchema>;

/** A create or update body before it meets its entity's schema (checked per entity by the domain). */
export const registryBodySchema = z.record(z.string(), z.unknown());

const changed = (entity: string, verb: 'created' | 'updated', schema: z.ZodType) =>
  z.object({
    entity: z.literal(entity),
    id: idSchema,
    record: schema,
    /** Who made the change: a JWT subject, or `import:<file>`. */
    actor: z.string().min(1),
    at: isoTimeSchema,
    ...(verb === 'updated' ? { fields: z.array(z.string()) } : {}),
  });

export const electionCreated = defineEvent({
  type: 'election.created',
  source,
  version: 1,
  description: 'An election was registered with its poll day and hours.',
  schema: changed('election', 'created', electionSchema),
});
export const electionUpdated = defineEvent({
  type: 'election.updated',
  source,
  version: 1,
  description: 'An election changed (name, hours); `fields` names what changed.',
  schema: changed('election', 'updated', electionSchema),
});
export const regionCreated = defineEvent({
  type: 'region.created',
  source,
  version: 1,
  description: 'A region (state, district) was registered.',
  schema: changed('region', 'created', regionSchema),
});
export const regionUpdated = defineEvent({
  type: 'region.updated',
  source,
  version: 1,
  description: 'A region changed.',
  schema: changed('region', 'updated', regionSchema),
});
export const constituencyCreated = defineEvent({
  type: 'constituency.created',
  source,
  version: 1,
  description: 'A constituency was registered in a region.',
  schema: changed('constituency', 'created', constituencySchema),
});
export const constituencyUpdated = defineEvent({
  type: 'constituency.updated',
  source,
  version: 1,
  description: 'A constituency changed.',
  schema: changed('constituency', 'updated', constituencySchema),
});
export const candidateCreated = defineEvent({
  type: 'candidate.created',
  source,
  version: 1,
  description: 'A candidate was registered in a constituency (refused once polls open).',
  schema: changed('candidate', 'created', candidateSchema),
});
export const candidateUpdated = defineEvent({
  type: 'candidate.updated',
  source,
  version: 1,
  description: 'A candidate changed before polls opened.',
  schema: changed('candidate', 'updated', candidateSchema),
});
export const boothCreated = defineEvent({
  type: 'booth.created',
  source,
  version: 1,
  description: 'A polling booth was registered with its location, electorate and geofence.',
  schema: changed('booth', 'created', boothSchema),
});
export const boothUpdated = defineEvent({
  type: 'booth.updated',
  source,
  version: 1,
  description: 'A booth changed before polls opened (geofence consumers reload it).',
  schema: changed('booth', 'updated', boothSchema),
});
export const machineCreated = defineEvent({
  type: 'machine.created',
  source,
  version: 1,
  description: 'A voting machine was registered at a booth with its public key.',
  schema: changed('machine', 'created', machineSchema),
});
export const machineUpdated = defineEvent({
  type: 'machine.updated',
  source,
  version: 1,
  description: 'A machine changed (key rotated, moved to another booth).',
  schema: changed('machine', 'updated', machineSchema),
});
export const officerCreated = defineEvent({
  type: 'officer.created',
  source,
  version: 1,
  description: 'A regional officer was registered with contact details and notification preferences.',
  schema: changed('officer', 'created', officerSchema),
});
export const officerUpdated = defineEvent({
  type: 'officer.updated',
  source,
  version: 1,
  description: "An officer's region, contacts or preferences changed (subscriptions follow).",
  schema: changed('officer', 'updated', officerSchema),
});
export const registryImported = defineEvent({
  type: 'registry.imported',
  source,
  version: 1,
  description: 'A CSV file of one entity was imported; per-row events were published for registry entities.',
  schema: z.object({
    entity: z.string().min(1),
    file: z.string().min(1),
    rows: z.number().int().nonnegative(),
    written: z.number().int().nonnegative(),
    refused: z.number().int().nonnegative(),
    actor: z.string().min(1),
    at: isoTimeSchema,
  }),
});

/** The created and updated event of each registry entity. */
export const registryChangeEvents = {
  election: { created: electionCreated, updated: electionUpdated },
  region: { created: regionCreated, updated: regionUpdated },
  constituency: { created: constituencyCreated, updated: constituencyUpdated },
  candidate: { created: candidateCreated, updated: candidateUpdated },
  booth: { created: boothCreated, updated: boothUpdated },
  machine: { created: machineCreated, updated: machineUpdated },
  officer: { created: officerCreated, updated: officerUpdated },
} as const;

/** The path of an admin route: the entity's plural and, for one entity, its id. */
export const registryPathSchema = z.object({
  entities: z.enum(
    ['elections', 'regions', 'constituencies', 'candidates', 'booths', 'machines', 'officers'],
    'must be one of elections, regions, constituencies, candidates, booths, machines, officers',
  ),
  id: idSchema.optional(),
});

/** `GET /audit`: a page of the audit chain from a position. */
export const auditListQuerySchema = z.object({
  from: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
