import { z } from 'zod';

/**
 * One DynamoDB attribute value as a stream record carries it (the low-level JSON form: `S`, `N`,
 * `BOOL`, `NULL`, `M`, `L`, sets and base64 binaries).
 */
export type AttributeValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly B: string }
  | { readonly BOOL: boolean }
  | { readonly NULL: true }
  | { readonly M: { readonly [name: string]: AttributeValue } }
  | { readonly L: readonly AttributeValue[] }
  | { readonly SS: readonly string[] }
  | { readonly NS: readonly string[] }
  | { readonly BS: readonly string[] };

/** The schema of one attribute value; exactly one type key, as DynamoDB writes it. */
export const attributeValueSchema: z.ZodType<AttributeValue> = z.lazy(() =>
  z.union([
    z.strictObject({ S: z.string() }),
    z.strictObject({ N: z.string().regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/) }),
    z.strictObject({ B: z.base64() }),
    z.strictObject({ BOOL: z.boolean() }),
    z.strictObject({ NULL: z.literal(true) }),
    z.strictObject({ M: z.record(z.string(), attributeValueSchema) }),
    z.strictObject({ L: z.array(attributeValueSchema) }),
    z.strictObject({ SS: z.array(z.string()) }),
    z.strictObject({ NS: z.array(z.string()) }),
    z.strictObject({ BS: z.array(z.base64()) }),
  ]),
);

/** A plain value decoded from an attribute value: numbers as numbers, binaries as bytes, sets as arrays. */
export type DecodedValue =
  | string
  | number
  | boolean
  | null
  | Uint8Array
  | readonly DecodedValue[]
  | { readonly [name: string]: DecodedValue };

function bytesOf(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** Decodes one attribute value into the plain value the record store wrote (as `unmarshall` does). */
export function decodeAttribute(value: AttributeValue): DecodedValue {
  if ('S' in value) return value.S;
  if ('N' in value) return Number(value.N);
  if ('B' in value) return bytesOf(value.B);
  if ('BOOL' in value) return value.BOOL;
  if ('NULL' in value) return null;
  if ('M' in value) return decodeImage(value.M);
  if ('L' in value) return value.L.map(decodeAttribute);
  if ('SS' in value) return [...value.SS];
  if ('NS' in value) return value.NS.map(Number);
  return value.BS.map(bytesOf);
}

/** Decodes a whole item image (`Keys`, `NewImage`, `OldImage`) attribute by attribute. */
export function decodeImage(image: { readonly [name: string]: AttributeValue }): {
  readonly [name: string]: DecodedValue;
} {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, decodeAttribute(value)]));
}

const imageSchema = z.record(z.string(), attributeValueSchema);

/**
 * One change of a table as its DynamoDB stream (or a global table replica's stream) delivers it to
 * a Lambda event source mapping. Only the fields the subscribers read are checked; the images
 * are there when the stream's view type has them (NEW_AND_OLD_IMAGES here).
 */
export const tableStreamRecordSchema = z.object({
  eventID: z.string().min(1),
  eventName: z.enum(['INSERT', 'MODIFY', 'REMOVE']),
  eventSource: z.literal('aws:dynamodb'),
  awsRegion: z.string().min(1),
  eventSourceARN: z.string().min(1).optional(),
  dynamodb: z.object({
    SequenceNumber: z.string().min(1),
    Keys: imageSchema,
    NewImage: imageSchema.optional(),
    OldImage: imageSchema.optional(),
    ApproximateCreationDateTime: z.number().optional(),
  }),
});
export type TableStreamRecord = z.infer<typeof tableStreamRecordSchema>;

/** The batch a DynamoDB stream event source mapping hands a function: records in stream order. */
export const tableStreamBatchSchema = z.object({ Records: z.array(z.unknown()).min(1) });
