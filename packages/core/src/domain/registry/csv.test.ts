import { describe, expect, it } from 'vitest';
import { csvField, parseCsv } from './csv';
import { CompactIdSet } from './id-set';

async function parse(...chunks: string[]) {
  const out = [];
  for await (const record of parseCsv(
    (async function* () {
      yield* chunks;
    })(),
  ))
    out.push(record);
  return out;
}

describe('the CSV reader', () => {
  it('reads records with the line each starts on', async () => {
    expect(await parse('a,b\n1,2\r\n3,4\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 3, fields: ['3', '4'] },
    ]);
  });

  it('keeps commas, quotes and line breaks inside quoted fields, and counts the lines they span', async () => {
    expect(await parse('a,b\n"x, ""y""","two\nlines"\nz,w')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, "y"', 'two\nlines'] },
      { line: 4, fields: ['z', 'w'] },
    ]);
  });

  it('reads the same records however the stream is cut into chunks', async () => {
    const text = 'id,name\n1,"a ""b"", c"\r\n2,plain\n';
    const whole = await parse(text);
    for (let cut = 1; cut < text.length; cut++)
      expect(await parse(text.slice(0, cut), text.slice(cut))).toEqual(whole);
  });

  it('skips blank lines and a byte-order mark', async () => {
    expect(await parse('\ufeffa\n\n1\n')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 3, fields: ['1'] },
    ]);
  });

  it('names the line of a quote that never closes', async () => {
    await expect(parse('a\n"open\n')).rejects.toThrow(/line 2/);
  });

  it('quotes only what needs quoting and reads back what it wrote', async () => {
    const values = ['plain', 'a,b', 'say "hi"', 'two\nlines'];
    expect(values.map(csvField)).toEqual(['plain', '"a,b"', '"say ""hi"""', '"two\nlines"']);
    expect((await parse(values.map(csvField).join(',')))[0]?.fields).toEqual(values);
  });
});

describe('the compact id set', () => {
  it('answers the line an id was first seen on, across growth', () => {
    const set = new CompactIdSet();
    for (let i = 0; i < 5000; i++) expect(set.add(`id-${i}`, i + 2)).toBe(0);
    for (let i = 0; i < 5000; i += 7) expect(set.add(`id-${i}`, 99_999)).toBe(i + 2);
  });
});
