/** Serialises a value with object keys sorted, so a signer and a verifier hash the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  // Every vote is serialised twice (signed at the booth, checked at ingest): one pass over sorted
  // keys, without the intermediate entry arrays. The default sort compares UTF-16 code units,
  // the same order as `<` on strings.
  const object = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(object).sort()) {
    const v = object[key];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}
