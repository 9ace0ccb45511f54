/** One record of a CSV file and the line it starts on (the header is line 1). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

/**
 * Parses RFC 4180 CSV from a stream of chunks, one record at a time, so a file of any size is
 * read in flat memory: quoted fields, doubled quotes, commas and newlines inside quotes, CRLF.
 * Throws naming the line when a quoted field never closes.
 */
export async function* parseCsv(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<CsvRecord> {
  const decoder = new TextDecoder('utf-8');
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let quoteSeen = false; // the previous character closed a quoted section (or was an escaped quote's first half)
  let line = 1;
  let recordLine = 1;
  let pendingCr = false;
  let first = true;

  const endRecord = function* (): Generator<CsvRecord> {
    fields.push(field);
    // A blank line is no record (a trailing newline, or spacing between records).
    if (!(fields.length === 1 && fields[0] === '')) yield { line: recordLine, fields };
    fields = [];
    field = '';
  };

  for await (const chunk of chunks) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (pendingCr) {
        pendingCr = false;
        if (c === LF) {
          start = i + 1;
          continue;
        }
      }
      if (inQuotes) {
        if (c === QUOTE) {
          field += text.slice(start, i);
          start = i + 1;
          inQuotes = false;
          quoteSeen = true;
        } else if (c === LF) line++;
        continue;
      }
      if (c === QUOTE) {
        // `""` inside a quoted field is one quote; a quote opening a field starts quoting.
        field += text.slice(start, i);
        if (quoteSeen) field += '"';
        start = i + 1;
        inQuotes = true;
        quoteSeen = false;
        continue;
      }
      quoteSeen = false;
      if (c === COMMA) {
        fields.push(field + text.slice(start, i));
        field = '';
        start = i + 1;
      } else if (c === LF || c === CR) {
        field += text.slice(start, i);
        yield* endRecord();
        line++;
        recordLine = line;
        start = i + 1;
        if (c === CR) pendingCr = true;
      }
    }
    field += text.slice(start);
  }
  field += decoder.decode();
  if (inQuotes) throw new Error(`line ${recordLine}: a quoted field is never closed`);
  yield* endRecord();
}

/** Quotes a value for CSV when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
