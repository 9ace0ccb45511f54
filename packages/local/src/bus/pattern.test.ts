import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EventPattern, matchesPattern, validatePattern } from './pattern';

const envelope = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'BallotCast',
  source: 'ballotstream.voting',
  account: '123456789012',
  time: '2024-11-05T14:30:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:dynamodb:eu-west-1:123456789012:table/ballots'],
  detail: {
    electionId: 'el-2024',
    precinct: { id: 'p-17', state: 'OR', turnout: 0.62 },
    choices: ['alice', 'bob'],
    weight: 5,
    sourceIp: '10.0.0.33',
    voterHash: null,
    verified: true,
  },
};

function matchesValue(condition: unknown, value: unknown): boolean {
  return matchesPattern({ field: [condition] }, { field: value });
}

describe('matchesPattern', () => {
  describe('structure', () => {
    it('matches an envelope when source, detail-type and a detail field all match', () => {
      const pattern = {
        source: ['ballotstream.voting'],
        'detail-type': ['BallotCast'],
        detail: { electionId: ['el-2024'] },
      };
      expect(matchesPattern(pattern, envelope)).toBe(true);
    });

    it('rejects the envelope when any one of the AND-ed fields differs', () => {
      expect(
        matchesPattern(
          {
            source: ['ballotstream.voting'],
            'detail-type': ['BallotCounted'],
            detail: { electionId: ['el-2024'] },
          },
          envelope,
        ),
      ).toBe(false);
      expect(
        matchesPattern({ source: ['ballotstream.results'], 'detail-type': ['BallotCast'] }, envelope),
      ).toBe(false);
    });

    it('treats the values in a pattern array as alternatives', () => {
      expect(matchesPattern({ source: ['other', 'ballotstream.voting'] }, envelope)).toBe(true);
      expect(matchesPattern({ source: ['other', 'another'] }, envelope)).toBe(false);
    });

    it('matches fields nested several levels deep in detail', () => {
      expect(matchesPattern({ detail: { precinct: { state: ['OR'] } } }, envelope)).toBe(true);
      expect(matchesPattern({ detail: { precinct: { state: ['WA'] } } }, envelope)).toBe(false);
    });

    it('ignores event fields that the pattern does not mention', () => {
      expect(matchesPattern({ region: ['eu-west-1'] }, envelope)).toBe(true);
    });

    it('matches everything with an empty pattern', () => {
      expect(matchesPattern({}, envelope)).toBe(true);
    });

    it('compares strings exactly and case-sensitively', () => {
      expect(matchesPattern({ source: ['BallotStream.Voting'] }, envelope)).toBe(false);
      expect(matchesPattern({ source: ['ballotstream.votin'] }, envelope)).toBe(false);
      expect(matchesPattern({ source: ['ballotstream.voting '] }, envelope)).toBe(false);
    });

    it('compares numbers numerically, so 5 matches 5.0 and 3.018e2 matches 301.8', () => {
      expect(matchesPattern({ weight: [5] }, JSON.parse('{"weight": 5.0}'))).toBe(true);
      expect(matchesPattern(JSON.parse('{"limit": [3.018e2]}'), { limit: 301.8 })).toBe(true);
      expect(matchesPattern({ weight: [5] }, { weight: 5.5 })).toBe(false);
    });

    it('never treats a string as equal to the number it spells', () => {
      expect(matchesPattern({ weight: ['5'] }, { weight: 5 })).toBe(false);
      expect(matchesPattern({ weight: [5] }, { weight: '5' })).toBe(false);
    });

    it('matches booleans only against the same boolean', () => {
      expect(matchesPattern({ detail: { verified: [true] } }, envelope)).toBe(true);
      expect(matchesPattern({ detail: { verified: [false] } }, envelope)).toBe(false);
      expect(matchesPattern({ detail: { verified: ['true'] } }, envelope)).toBe(false);
    });

    it('matches null against a null value but not against a missing field', () => {
      expect(matchesPattern({ detail: { voterHash: [null] } }, envelope)).toBe(true);
      expect(matchesPattern({ detail: { missing: [null] } }, envelope)).toBe(false);
      expect(matchesPattern({ detail: { electionId: [null] } }, envelope)).toBe(false);
    });

    it('matches an empty-string pattern only against an empty string', () => {
      expect(matchesPattern({ name: [''] }, { name: '' })).toBe(true);
      expect(matchesPattern({ name: [''] }, { name: 'x' })).toBe(false);
      expect(matchesPattern({ name: [''] }, {})).toBe(false);
    });

    it('matches nothing with an empty array leaf', () => {
      expect(matchesPattern({ source: [] }, envelope)).toBe(false);
    });

    it('does not compare an object-valued field with a leaf pattern', () => {
      expect(matchesPattern({ detail: { precinct: ['p-17'] } }, envelope)).toBe(false);
    });

    it('does not descend into a field whose value is a leaf', () => {
      expect(matchesPattern({ detail: { electionId: { year: ['2024'] } } }, envelope)).toBe(false);
    });

    it('does not match a missing field against a value', () => {
      expect(matchesPattern({ detail: { ward: ['7'] } }, envelope)).toBe(false);
      expect(matchesPattern({ extra: { ward: ['7'] } }, envelope)).toBe(false);
    });

    it('does not mistake inherited object properties for event fields', () => {
      expect(matchesPattern({ constructor: [{ exists: true }] }, {})).toBe(false);
      expect(matchesPattern({ toString: [{ exists: false }] }, {})).toBe(true);
    });

    it('does not match a non-object event', () => {
      expect(matchesPattern({ source: ['x'] }, 'x')).toBe(false);
      expect(matchesPattern({ source: ['x'] }, null)).toBe(false);
    });
  });

  describe('arrays in events', () => {
    it('matches when any element of an event array equals a pattern value', () => {
      expect(matchesPattern({ detail: { choices: ['bob'] } }, envelope)).toBe(true);
      expect(matchesPattern({ detail: { choices: ['carol', 'alice'] } }, envelope)).toBe(true);
    });

    it('does not match when no element of an event array is a pattern value', () => {
      expect(matchesPattern({ detail: { choices: ['carol'] } }, envelope)).toBe(false);
    });

    it('matches resources as an array of ARNs', () => {
      expect(matchesPattern({ resources: [{ suffix: 'table/ballots' }] }, envelope)).toBe(true);
      expect(matchesPattern({ resources: [{ suffix: 'table/voters' }] }, envelope)).toBe(false);
    });

    it('applies operators to each element of an event array', () => {
      expect(matchesPattern({ scores: [{ numeric: ['>', 90] }] }, { scores: [10, 95] })).toBe(true);
      expect(matchesPattern({ scores: [{ numeric: ['>', 90] }] }, { scores: [10, 20] })).toBe(false);
    });

    it('flattens nested event arrays', () => {
      expect(matchesPattern({ tags: ['c'] }, { tags: [['a', 'b'], ['c']] })).toBe(true);
    });

    it('descends into objects held in an event array', () => {
      const event = {
        employees: [
          { first: 'John', last: 'Doe' },
          { first: 'Anna', last: 'Smith' },
        ],
      };
      expect(matchesPattern({ employees: { first: ['Anna'] } }, event)).toBe(true);
      expect(matchesPattern({ employees: { first: ['Peter'] } }, event)).toBe(false);
    });

    it('requires fields under an array to match within the same element', () => {
      const event = {
        employees: [
          { first: 'John', last: 'Doe' },
          { first: 'Anna', last: 'Smith' },
        ],
      };
      expect(matchesPattern({ employees: { first: ['Anna'], last: ['Smith'] } }, event)).toBe(true);
      expect(matchesPattern({ employees: { first: ['Anna'], last: ['Doe'] } }, event)).toBe(false);
    });

    it('treats an empty event array as holding no value', () => {
      expect(matchesPattern({ tags: [{ exists: true }] }, { tags: [] })).toBe(false);
      expect(matchesPattern({ tags: [{ exists: false }] }, { tags: [] })).toBe(true);
      expect(matchesPattern({ tags: [{ 'anything-but': 'x' }] }, { tags: [] })).toBe(false);
    });
  });

  describe('prefix', () => {
    it('matches strings that start with the prefix', () => {
      expect(matchesPattern({ time: [{ prefix: '2024-11-05' }] }, envelope)).toBe(true);
      expect(matchesValue({ prefix: 'ballot' }, 'ballot')).toBe(true);
    });

    it('does not match strings that merely contain or end with the prefix', () => {
      expect(matchesPattern({ time: [{ prefix: '2024-11-06' }] }, envelope)).toBe(false);
      expect(matchesValue({ prefix: 'stream' }, 'ballotstream')).toBe(false);
    });

    it('is case-sensitive', () => {
      expect(matchesValue({ prefix: 'Ballot' }, 'ballotstream')).toBe(false);
    });

    it('only matches string values', () => {
      expect(matchesValue({ prefix: '12' }, 123)).toBe(false);
      expect(matchesValue({ prefix: 'tr' }, true)).toBe(false);
      expect(matchesValue({ prefix: '' }, null)).toBe(false);
    });

    it('matches any string with an empty prefix', () => {
      expect(matchesValue({ prefix: '' }, 'anything')).toBe(true);
      expect(matchesValue({ prefix: '' }, '')).toBe(true);
    });

    it('ignores case when combined with equals-ignore-case', () => {
      const condition = { prefix: { 'equals-ignore-case': 'EventB' } };
      expect(matchesValue(condition, 'eventbridge')).toBe(true);
      expect(matchesValue(condition, 'EVENTBRIDGE')).toBe(true);
      expect(matchesValue(condition, 'event-bridge')).toBe(false);
      expect(matchesValue(condition, 'theeventbridge')).toBe(false);
    });
  });

  describe('suffix', () => {
    it('matches strings that end with the suffix', () => {
      expect(matchesValue({ suffix: '.png' }, 'ballot-17.png')).toBe(true);
    });

    it('does not match strings with a different ending or different case', () => {
      expect(matchesValue({ suffix: '.png' }, 'ballot-17.png.bak')).toBe(false);
      expect(matchesValue({ suffix: '.png' }, 'ballot-17.PNG')).toBe(false);
      expect(matchesValue({ suffix: '5' }, 5)).toBe(false);
    });

    it('ignores case when combined with equals-ignore-case', () => {
      const condition = { suffix: { 'equals-ignore-case': '.PNG' } };
      expect(matchesValue(condition, 'scan.png')).toBe(true);
      expect(matchesValue(condition, 'scan.Png')).toBe(true);
      expect(matchesValue(condition, 'scan.jpg')).toBe(false);
    });
  });

  describe('equals-ignore-case', () => {
    it('matches strings that differ only in case', () => {
      expect(matchesValue({ 'equals-ignore-case': 'alice' }, 'ALICE')).toBe(true);
      expect(matchesValue({ 'equals-ignore-case': 'Ümlaut' }, 'ümlaut')).toBe(true);
    });

    it('does not match different strings or non-strings', () => {
      expect(matchesValue({ 'equals-ignore-case': 'alice' }, 'alicia')).toBe(false);
      expect(matchesValue({ 'equals-ignore-case': 'alice' }, 'alice ')).toBe(false);
      expect(matchesValue({ 'equals-ignore-case': 'true' }, true)).toBe(false);
    });
  });

  describe('wildcard', () => {
    it('matches any run of characters, including none, for each star', () => {
      expect(matchesValue({ wildcard: 'dir/*.png' }, 'dir/scan.png')).toBe(true);
      expect(matchesValue({ wildcard: 'dir/*.png' }, 'dir/.png')).toBe(true);
      expect(matchesValue({ wildcard: 'dir/*.png' }, 'dir/a/b/c.png')).toBe(true);
      expect(matchesValue({ wildcard: '*/lib/*' }, 'src/lib/x.ts')).toBe(true);
      expect(matchesValue({ wildcard: '*' }, '')).toBe(true);
      expect(matchesValue({ wildcard: 'a*b*c' }, 'abc')).toBe(true);
    });

    it('does not match when the literal parts are absent or out of order', () => {
      expect(matchesValue({ wildcard: 'dir/*.png' }, 'dir/scan.jpg')).toBe(false);
      expect(matchesValue({ wildcard: 'dir/*.png' }, 'other/scan.png')).toBe(false);
      expect(matchesValue({ wildcard: 'a*b*c' }, 'acb')).toBe(false);
      expect(matchesValue({ wildcard: 'ab*ba' }, 'aba')).toBe(false);
      expect(matchesValue({ wildcard: 'abc' }, 'abcd')).toBe(false);
    });

    it('treats an escaped star as a literal star', () => {
      expect(matchesValue({ wildcard: 'a\\*b' }, 'a*b')).toBe(true);
      expect(matchesValue({ wildcard: 'a\\*b' }, 'axb')).toBe(false);
      expect(matchesValue({ wildcard: 'a\\\\*' }, 'a\\anything')).toBe(true);
    });

    it('treats regular-expression characters literally', () => {
      expect(matchesValue({ wildcard: 'a.c*' }, 'a.cd')).toBe(true);
      expect(matchesValue({ wildcard: 'a.c*' }, 'abcd')).toBe(false);
    });

    it('only matches string values', () => {
      expect(matchesValue({ wildcard: '*' }, 42)).toBe(false);
      expect(matchesValue({ wildcard: '*' }, null)).toBe(false);
    });
  });

  describe('anything-but', () => {
    it('matches any value other than a single excluded string', () => {
      expect(matchesValue({ 'anything-but': 'initializing' }, 'running')).toBe(true);
      expect(matchesValue({ 'anything-but': 'initializing' }, 'initializing')).toBe(false);
    });

    it('matches any value other than a single excluded number', () => {
      expect(matchesValue({ 'anything-but': 123 }, 124)).toBe(true);
      expect(matchesValue({ 'anything-but': 123 }, 123.0)).toBe(false);
    });

    it('matches any value outside an excluded list', () => {
      expect(matchesValue({ 'anything-but': ['stopped', 'overloaded'] }, 'running')).toBe(true);
      expect(matchesValue({ 'anything-but': ['stopped', 'overloaded'] }, 'stopped')).toBe(false);
      expect(matchesValue({ 'anything-but': [100, 200] }, 200)).toBe(false);
      expect(matchesValue({ 'anything-but': [100, 200] }, 300)).toBe(true);
    });

    it('keeps types apart, so a number is not excluded by the string spelling it', () => {
      expect(matchesValue({ 'anything-but': '5' }, 5)).toBe(true);
      expect(matchesValue({ 'anything-but': 5 }, '5')).toBe(true);
    });

    it('does not match a missing field', () => {
      expect(matchesPattern({ state: [{ 'anything-but': 'x' }] }, {})).toBe(false);
      expect(matchesPattern({ detail: { state: [{ 'anything-but': 'x' }] } }, envelope)).toBe(false);
    });

    it('matches an event array when at least one element is not excluded', () => {
      expect(matchesValue({ 'anything-but': 'alice' }, ['alice', 'bob'])).toBe(true);
      expect(matchesValue({ 'anything-but': ['alice', 'bob'] }, ['alice', 'bob'])).toBe(false);
    });

    it('excludes by prefix', () => {
      const condition = { 'anything-but': { prefix: 'us-' } };
      expect(matchesValue(condition, 'eu-west-1')).toBe(true);
      expect(matchesValue(condition, 'us-east-1')).toBe(false);
      expect(matchesValue({ 'anything-but': { prefix: ['us-', 'ca-'] } }, 'ca-central-1')).toBe(false);
    });

    it('excludes by suffix', () => {
      const condition = { 'anything-but': { suffix: '.png' } };
      expect(matchesValue(condition, 'scan.jpg')).toBe(true);
      expect(matchesValue(condition, 'scan.png')).toBe(false);
    });

    it('excludes regardless of case with equals-ignore-case', () => {
      const condition = { 'anything-but': { 'equals-ignore-case': ['Stopped', 'PAUSED'] } };
      expect(matchesValue(condition, 'running')).toBe(true);
      expect(matchesValue(condition, 'STOPPED')).toBe(false);
      expect(matchesValue(condition, 'paused')).toBe(false);
    });

    it('excludes by wildcard', () => {
      const condition = { 'anything-but': { wildcard: '*/lib/*' } };
      expect(matchesValue(condition, 'src/app/main.ts')).toBe(true);
      expect(matchesValue(condition, 'src/lib/util.ts')).toBe(false);
    });

    it('lets non-string values through a string-based exclusion', () => {
      expect(matchesValue({ 'anything-but': { prefix: '1' } }, 123)).toBe(true);
    });
  });

  describe('numeric', () => {
    it('matches numbers inside a two-sided range', () => {
      const condition = { numeric: ['>', 0, '<=', 5] };
      expect(matchesValue(condition, 3)).toBe(true);
      expect(matchesValue(condition, 0.0001)).toBe(true);
    });

    it('honours open and closed bounds exactly at the bound', () => {
      expect(matchesValue({ numeric: ['>', 0, '<=', 5] }, 5)).toBe(true);
      expect(matchesValue({ numeric: ['>', 0, '<=', 5] }, 0)).toBe(false);
      expect(matchesValue({ numeric: ['>=', 0, '<', 5] }, 0)).toBe(true);
      expect(matchesValue({ numeric: ['>=', 0, '<', 5] }, 5)).toBe(false);
    });

    it('does not match numbers outside the range', () => {
      expect(matchesValue({ numeric: ['>', 0, '<=', 5] }, 5.000001)).toBe(false);
      expect(matchesValue({ numeric: ['>', 0, '<=', 5] }, -1)).toBe(false);
    });

    it('supports single comparisons', () => {
      expect(matchesValue({ numeric: ['<', 10] }, 9.99)).toBe(true);
      expect(matchesValue({ numeric: ['<', 10] }, 10)).toBe(false);
      expect(matchesValue({ numeric: ['>=', -3] }, -3)).toBe(true);
      expect(matchesValue({ numeric: ['>', -3] }, -3)).toBe(false);
    });

    it('matches equality numerically', () => {
      expect(matchesValue({ numeric: ['=', 301.8] }, 3.018e2)).toBe(true);
      expect(matchesValue({ numeric: ['=', 5] }, 5.0)).toBe(true);
      expect(matchesValue({ numeric: ['=', 5] }, 5.1)).toBe(false);
    });

    it('never matches strings that look like numbers', () => {
      expect(matchesValue({ numeric: ['>', 0] }, '5')).toBe(false);
      expect(matchesValue({ numeric: ['=', 5] }, '5')).toBe(false);
    });

    it('never matches booleans, null or missing fields', () => {
      expect(matchesValue({ numeric: ['>=', 0] }, true)).toBe(false);
      expect(matchesValue({ numeric: ['>=', 0] }, null)).toBe(false);
      expect(matchesPattern({ n: [{ numeric: ['>=', 0] }] }, {})).toBe(false);
    });
  });

  describe('exists', () => {
    it('matches present leaf values with exists true, including null and false', () => {
      expect(matchesPattern({ detail: { weight: [{ exists: true }] } }, envelope)).toBe(true);
      expect(matchesPattern({ detail: { voterHash: [{ exists: true }] } }, envelope)).toBe(true);
      expect(matchesValue({ exists: true }, false)).toBe(true);
      expect(matchesValue({ exists: true }, '')).toBe(true);
    });

    it('does not match a missing field with exists true', () => {
      expect(matchesPattern({ detail: { ward: [{ exists: true }] } }, envelope)).toBe(false);
      expect(matchesPattern({ nowhere: { ward: [{ exists: true }] } }, envelope)).toBe(false);
    });

    it('matches a missing field with exists false', () => {
      expect(matchesPattern({ detail: { ward: [{ exists: false }] } }, envelope)).toBe(true);
      expect(matchesPattern({ nowhere: { ward: [{ exists: false }] } }, envelope)).toBe(true);
    });

    it('does not match a present field with exists false', () => {
      expect(matchesPattern({ detail: { weight: [{ exists: false }] } }, envelope)).toBe(false);
      expect(matchesPattern({ detail: { voterHash: [{ exists: false }] } }, envelope)).toBe(false);
    });

    it('only considers leaf nodes, so an object-valued field counts as absent', () => {
      expect(matchesPattern({ detail: { precinct: [{ exists: true }] } }, envelope)).toBe(false);
      expect(matchesPattern({ detail: { precinct: [{ exists: false }] } }, envelope)).toBe(true);
    });

    it('combines with other values in the same array as alternatives', () => {
      const pattern = { detail: { ward: [{ exists: false }, '7'] } };
      expect(matchesPattern(pattern, { detail: {} })).toBe(true);
      expect(matchesPattern(pattern, { detail: { ward: '7' } })).toBe(true);
      expect(matchesPattern(pattern, { detail: { ward: '8' } })).toBe(false);
    });
  });

  describe('cidr', () => {
    it('matches IPv4 addresses inside the block', () => {
      expect(matchesPattern({ detail: { sourceIp: [{ cidr: '10.0.0.0/24' }] } }, envelope)).toBe(true);
      expect(matchesValue({ cidr: '10.0.0.0/8' }, '10.255.3.4')).toBe(true);
      expect(matchesValue({ cidr: '0.0.0.0/0' }, '192.168.1.1')).toBe(true);
    });

    it('does not match IPv4 addresses outside the block', () => {
      expect(matchesValue({ cidr: '10.0.0.0/24' }, '10.0.1.1')).toBe(false);
      expect(matchesValue({ cidr: '192.168.0.0/16' }, '192.169.0.1')).toBe(false);
    });

    it('ignores host bits set in the block address', () => {
      expect(matchesValue({ cidr: '10.0.0.77/24' }, '10.0.0.1')).toBe(true);
    });

    it('does not match values that are not IP addresses', () => {
      expect(matchesValue({ cidr: '10.0.0.0/24' }, 'not-an-ip')).toBe(false);
      expect(matchesValue({ cidr: '10.0.0.0/24' }, '10.0.0.256')).toBe(false);
      expect(matchesValue({ cidr: '10.0.0.0/24' }, 167772161)).toBe(false);
    });

    it('matches IPv6 addresses, in compressed or full form, inside the block', () => {
      expect(matchesValue({ cidr: '2001:db8::/32' }, '2001:db8:1234::1')).toBe(true);
      expect(matchesValue({ cidr: '2001:db8::/32' }, '2001:0DB8:0:0:0:0:0:1')).toBe(true);
      expect(matchesValue({ cidr: '::ffff:0:0/96' }, '::ffff:10.0.0.1')).toBe(true);
    });

    it('does not match IPv6 addresses outside the block or of the other family', () => {
      expect(matchesValue({ cidr: '2001:db8::/32' }, '2001:db9::1')).toBe(false);
      expect(matchesValue({ cidr: '10.0.0.0/8' }, '::ffff:10.0.0.1')).toBe(false);
      expect(matchesValue({ cidr: '::/1' }, '10.0.0.1')).toBe(false);
    });
  });

  describe('$or', () => {
    const pattern = {
      source: ['ballotstream.voting'],
      $or: [{ 'detail-type': ['BallotCounted'] }, { detail: { weight: [{ numeric: ['>=', 5] }] } }],
    };

    it('matches when any one branch matches', () => {
      expect(matchesPattern(pattern, envelope)).toBe(true);
      expect(matchesPattern(pattern, { ...envelope, 'detail-type': 'BallotCounted', detail: {} })).toBe(true);
    });

    it('does not match when no branch matches', () => {
      expect(matchesPattern(pattern, { ...envelope, detail: { weight: 1 } })).toBe(false);
    });

    it('still requires the fields beside it', () => {
      expect(matchesPattern(pattern, { ...envelope, source: 'other' })).toBe(false);
    });

    it('works inside a nested object', () => {
      const nested = { detail: { $or: [{ weight: [1] }, { precinct: { state: ['OR'] } }] } };
      expect(matchesPattern(nested, envelope)).toBe(true);
      expect(matchesPattern(nested, { detail: { weight: 2, precinct: { state: 'WA' } } })).toBe(false);
    });

    it('can be nested within another $or branch', () => {
      const nested = {
        $or: [
          { source: ['x'] },
          { region: ['eu-west-1'], $or: [{ account: ['1'] }, { detail: { verified: [true] } }] },
        ],
      };
      expect(matchesPattern(nested, envelope)).toBe(true);
      expect(matchesPattern(nested, { ...envelope, detail: { verified: false } })).toBe(false);
    });
  });
});

describe('validatePattern', () => {
  it('accepts a pattern using every operator', () => {
    const pattern = {
      source: ['ballotstream.voting', null, true, 5],
      detail: {
        a: [{ prefix: 'x' }, { prefix: { 'equals-ignore-case': 'x' } }, { prefix: '' }],
        b: [{ suffix: 'x' }, { suffix: { 'equals-ignore-case': 'x' } }],
        c: [{ 'equals-ignore-case': 'x' }, { wildcard: 'a*b\\*c\\\\' }],
        d: [
          { 'anything-but': 'x' },
          { 'anything-but': 1 },
          { 'anything-but': ['x', 'y'] },
          { 'anything-but': [1, 2] },
        ],
        e: [{ 'anything-but': { prefix: 'x' } }, { 'anything-but': { suffix: ['x', 'y'] } }],
        f: [{ 'anything-but': { 'equals-ignore-case': 'x' } }, { 'anything-but': { wildcard: '*x' } }],
        g: [{ numeric: ['>', 0, '<=', 5] }, { numeric: ['=', 1] }, { numeric: ['<', 0] }],
        h: [{ exists: true }, { exists: false }, { cidr: '10.0.0.0/24' }, { cidr: '2001:db8::/32' }],
        $or: [{ i: ['x'] }, { j: { k: ['y'] } }],
      },
    };
    expect(validatePattern(pattern)).toEqual([]);
  });

  it('rejects a pattern that is not an object', () => {
    expect(validatePattern(['source'])).toEqual(['the pattern must be a JSON object, got an array']);
    expect(validatePattern(null)).toHaveLength(1);
    expect(validatePattern('x')).toHaveLength(1);
  });

  it('rejects empty objects and empty arrays', () => {
    expect(validatePattern({})).toEqual(['the pattern is an empty object; AWS does not allow empty objects']);
    expect(validatePattern({ detail: {} })[0]).toContain('"detail" is an empty object');
    expect(validatePattern({ source: [] })[0]).toContain('"source" is an empty array');
  });

  it('requires leaf values to be wrapped in arrays', () => {
    const problems = validatePattern({ source: 'ballotstream.voting', detail: { weight: 5 } });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('"source" must be an array');
    expect(problems[1]).toContain('"detail.weight" must be an array');
  });

  it('rejects nested arrays and objects without an operator among the values', () => {
    expect(validatePattern({ source: [['x']] })[0]).toContain('must be a string, number, true, false, null');
    expect(validatePattern({ source: [{}] })[0]).toContain('empty operator object');
  });

  it('names unknown operators', () => {
    const [problem] = validatePattern({ source: [{ contains: 'x' }] });
    expect(problem).toContain('unknown operator "contains"');
  });

  it('rejects operator objects with more than one key', () => {
    const [problem] = validatePattern({ source: [{ prefix: 'a', suffix: 'b' }] });
    expect(problem).toContain('exactly one');
  });

  it('checks operand types for the string operators', () => {
    expect(validatePattern({ a: [{ prefix: 1 }] })[0]).toContain('prefix needs a string');
    expect(validatePattern({ a: [{ prefix: { wildcard: 'x' } }] })[0]).toContain('equals-ignore-case');
    expect(validatePattern({ a: [{ suffix: { 'equals-ignore-case': 2 } }] })[0]).toContain('needs a string');
    expect(validatePattern({ a: [{ 'equals-ignore-case': ['x'] }] })[0]).toContain('needs a string');
    expect(validatePattern({ a: [{ exists: 'yes' }] })[0]).toContain('exists must be true or false');
  });

  it('rejects consecutive stars and unknown escapes in wildcards', () => {
    expect(validatePattern({ a: [{ wildcard: 'a**b' }] })[0]).toContain('consecutive "*"');
    expect(validatePattern({ a: [{ wildcard: 'a\\b' }] })[0]).toContain('invalid escape');
    expect(validatePattern({ a: [{ 'anything-but': { wildcard: 'x**' } }] })[0]).toContain('consecutive');
  });

  it('checks the shape of anything-but', () => {
    expect(validatePattern({ a: [{ 'anything-but': ['x', 1] }] })[0]).toContain(
      'only strings or only numbers',
    );
    expect(validatePattern({ a: [{ 'anything-but': [null] }] })[0]).toContain('only strings or only numbers');
    expect(validatePattern({ a: [{ 'anything-but': [] }] })[0]).toContain('at least one value');
    expect(validatePattern({ a: [{ 'anything-but': true }] })[0]).toContain('anything-but needs');
    expect(validatePattern({ a: [{ 'anything-but': { numeric: ['>', 1] } }] })[0]).toContain(
      'exactly one of',
    );
    expect(validatePattern({ a: [{ 'anything-but': { prefix: '' } }] })[0]).toContain('empty string');
    expect(validatePattern({ a: [{ 'anything-but': { suffix: [1] } }] })[0]).toContain('needs strings');
  });

  it('checks the shape of numeric', () => {
    const problem = (numeric: unknown) => validatePattern({ a: [{ numeric }] })[0];
    expect(problem('>5')).toContain('numeric needs an array');
    expect(problem(['>'])).toContain('2 or 4 elements');
    expect(problem(['>', 1, '<', 5, '<', 6])).toContain('2 or 4 elements');
    expect(problem(['~', 1])).toContain('not one of');
    expect(problem(['>', '1'])).toContain('must be a number');
    expect(problem(['<', 5, '>', 1])).toContain('must start with ">" or ">="');
    expect(problem(['=', 1, '<', 5])).toContain('must start with ">" or ">="');
    expect(problem(['>', 5, '<', 5])).toContain('bottom 5 must be less than top 5');
    expect(problem(['>=', 6, '<=', 5])).toContain('must be less than top');
  });

  it('checks cidr blocks', () => {
    expect(validatePattern({ a: [{ cidr: '10.0.0.0' }] })[0]).toContain('exactly one "/"');
    expect(validatePattern({ a: [{ cidr: '10.0.0/8' }] })[0]).toContain('not an IPv4 or IPv6 address');
    expect(validatePattern({ a: [{ cidr: '10.0.0.0/x' }] })[0]).toContain('whole number');
    expect(validatePattern({ a: [{ cidr: '10.0.0.0/32' }] })[0]).toContain('IPv4 mask bits must be below 32');
    expect(validatePattern({ a: [{ cidr: '::/128' }] })[0]).toContain('IPv6 mask bits must be below 128');
    expect(validatePattern({ a: [{ cidr: 10 }] })[0]).toContain('cidr needs a string');
  });

  it('checks $or clauses', () => {
    expect(validatePattern({ $or: [{ a: ['x'] }] })[0]).toContain('at least two alternatives');
    expect(validatePattern({ $or: { a: ['x'] } })[0]).toContain('must be an array');
    expect(validatePattern({ $or: [{ a: ['x'] }, 'b'] })[0]).toContain('"$or[1]" must be an object');
    expect(validatePattern({ $or: [{ a: ['x'] }, { prefix: ['b'] }] })[0]).toContain('reserved');
  });

  it('reports every problem with its path', () => {
    const problems = validatePattern({ source: 'x', detail: { n: [{ numeric: ['>'] }], m: [{ bogus: 1 }] } });
    expect(problems).toHaveLength(3);
    expect(problems[1]).toMatch(/^"detail\.n"\[0\]: /);
    expect(problems[2]).toMatch(/^"detail\.m"\[0\]: /);
  });
});

describe('properties', () => {
  const key = fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== '$or' && k !== '__proto__');
  const leaf = fc.oneof(
    fc.string(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );
  const event = fc.dictionary(
    key,
    fc.oneof(leaf, fc.array(leaf, { minLength: 1 }), fc.dictionary(key, leaf, { minKeys: 1 })),
    { minKeys: 1 },
  );

  // Builds the tightest pattern that still describes the event: every leaf becomes an exact match.
  function patternFrom(value: { readonly [key: string]: unknown }): EventPattern {
    const pattern: { [key: string]: unknown } = {};
    for (const [field, inner] of Object.entries(value)) {
      if (Array.isArray(inner)) pattern[field] = [...inner];
      else if (typeof inner === 'object' && inner !== null)
        pattern[field] = patternFrom(inner as EventPattern);
      else pattern[field] = [inner];
    }
    return pattern;
  }

  it('matches an event against a pattern built from its own leaf values', () => {
    fc.assert(
      fc.property(event, (value) => {
        const pattern = patternFrom(value);
        expect(validatePattern(pattern)).toEqual([]);
        expect(matchesPattern(pattern, value)).toBe(true);
      }),
    );
  });

  it('excludes exactly the one string named by anything-but', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (excluded, value) => {
        const plain = matchesValue(value, value);
        const but = matchesValue({ 'anything-but': excluded }, value);
        expect(plain).toBe(true);
        expect(but).toBe(value !== excluded);
      }),
    );
  });

  it('agrees with startsWith and endsWith for prefix, suffix and their wildcard spellings', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '.') });
    fc.assert(
      fc.property(text, text, (affix, value) => {
        const isPrefix = value.startsWith(affix);
        const isSuffix = value.endsWith(affix);
        expect(matchesValue({ prefix: affix }, value)).toBe(isPrefix);
        expect(matchesValue({ wildcard: `${affix}*` }, value)).toBe(isPrefix);
        expect(matchesValue({ suffix: affix }, value)).toBe(isSuffix);
        expect(matchesValue({ wildcard: `*${affix}` }, value)).toBe(isSuffix);
        expect(matchesValue({ wildcard: `*${affix}*` }, value)).toBe(value.includes(affix));
      }),
    );
  });

  it('splits the numbers exactly at a bound between ">" and "<="', () => {
    const number = fc.double({ noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(number, number, (bound, value) => {
        expect(matchesValue({ numeric: ['>', bound] }, value)).toBe(value > bound);
        expect(matchesValue({ numeric: ['<=', bound] }, value)).toBe(value <= bound);
      }),
    );
  });
});
