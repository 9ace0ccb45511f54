/**
 * EventBridge event-pattern matching for the local bus.
 *
 * The rules follow AWS's content filtering (the event-ruler library behind EventBridge) so that a pattern
 * which routes an event locally routes it the same way in the cloud, and a pattern that AWS would reject
 * is reported by `validatePattern` instead of silently never matching.
 */

export type EventPattern = { readonly [key: string]: unknown };

type JsonObject = { readonly [key: string]: unknown };

type StringTest = (value: string, operand: string) => boolean;

const OR_KEY = '$or';

const OPERATORS = [
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
] as const;

// AWS refuses these as field names inside `$or` so that an operator object is never mistaken for a branch.
const RESERVED_IN_OR = new Set<string>([...OPERATORS, 'exactly', '=', '<', '<=', '>', '>=']);

const LOWER_BOUNDS = new Set(['>', '>=']);
const UPPER_BOUNDS = new Set(['<', '<=']);

/** Reports whether `event` satisfies `pattern` under EventBridge's content-filtering rules. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return matchesObject(pattern, event);
}

function matchesObject(pattern: JsonObject, node: unknown): boolean {
  for (const [key, rule] of Object.entries(pattern)) {
    if (key === OR_KEY && isOrClause(rule)) {
      if (!rule.some((branch) => matchesObject(branch, node))) return false;
      continue;
    }
    if (!matchesField(rule, fieldOf(node, key))) return false;
  }
  return true;
}

function matchesField(rule: unknown, value: unknown): boolean {
  if (Array.isArray(rule)) return matchesLeaf(rule, value);
  if (isObject(rule)) return matchesNested(rule, value);
  return false;
}

function matchesNested(rule: JsonObject, value: unknown): boolean {
  const objects = flatten(value).filter(isObject);
  // With nothing to descend into, every field below is missing, which only `exists: false` accepts.
  if (objects.length === 0) return matchesObject(rule, undefined);
  // Each array element is tried on its own so that two fields never match from different elements.
  return objects.some((object) => matchesObject(rule, object));
}

function matchesLeaf(rule: readonly unknown[], value: unknown): boolean {
  // Objects are intermediate nodes, not values: AWS compares (and checks existence of) leaves only.
  const leaves = flatten(value).filter((item) => !isObject(item));
  return rule.some((condition) => matchesCondition(condition, leaves));
}

function matchesCondition(condition: unknown, leaves: readonly unknown[]): boolean {
  if (!isObject(condition)) return leaves.some((leaf) => leaf === condition);
  const operator = singleEntry(condition);
  if (operator === undefined) return false;
  const [name, operand] = operator;
  if (name === 'exists') {
    if (operand === true) return leaves.length > 0;
    if (operand === false) return leaves.length === 0;
    return false;
  }
  return leaves.some((leaf) => matchesOperator(name, operand, leaf));
}

function matchesOperator(name: string, operand: unknown, value: unknown): boolean {
  switch (name) {
    case 'prefix':
      return matchesAffix(operand, value, startsWith);
    case 'suffix':
      return matchesAffix(operand, value, endsWith);
    case 'equals-ignore-case':
      return typeof operand === 'string' && typeof value === 'string' && equalsIgnoreCase(value, operand);
    case 'wildcard':
      return typeof operand === 'string' && typeof value === 'string' && matchesWildcard(operand, value);
    case 'anything-but':
      return matchesAnythingBut(operand, value);
    case 'numeric':
      return typeof value === 'number' && matchesNumeric(operand, value);
    case 'cidr':
      return typeof operand === 'string' && typeof value === 'string' && matchesCidr(operand, value);
    default:
      return false;
  }
}

function matchesAffix(operand: unknown, value: unknown, test: StringTest): boolean {
  if (typeof value !== 'string') return false;
  if (typeof operand === 'string') return test(value, operand);
  const ignoringCase = isObject(operand) ? singleEntry(operand) : undefined;
  if (ignoringCase?.[0] !== 'equals-ignore-case' || typeof ignoringCase[1] !== 'string') return false;
  return test(foldCase(value), foldCase(ignoringCase[1]));
}

const ANYTHING_BUT_TESTS = new Map<string, StringTest>([
  ['prefix', startsWith],
  ['suffix', endsWith],
  ['equals-ignore-case', equalsIgnoreCase],
  ['wildcard', (value, pattern) => matchesWildcard(pattern, value)],
]);

function matchesAnythingBut(operand: unknown, value: unknown): boolean {
  if (typeof operand === 'string' || typeof operand === 'number') return value !== operand;
  if (Array.isArray(operand)) return !operand.includes(value);
  const nested = isObject(operand) ? singleEntry(operand) : undefined;
  if (nested === undefined) return false;
  const [name, inner] = nested;
  const test = ANYTHING_BUT_TESTS.get(name);
  const excluded = Array.isArray(inner) ? inner : [inner];
  if (test === undefined || !excluded.every((item) => typeof item === 'string')) return false;
  // A string test can never exclude a number, boolean or null, so those always pass.
  if (typeof value !== 'string') return true;
  return !excluded.some((item) => test(value, item));
}

function startsWith(value: string, prefix: string): boolean {
  return value.startsWith(prefix);
}

function endsWith(value: string, suffix: string): boolean {
  return value.endsWith(suffix);
}

function equalsIgnoreCase(value: string, other: string): boolean {
  return foldCase(value) === foldCase(other);
}

function foldCase(value: string): string {
  return value.toLowerCase();
}

function matchesNumeric(operand: unknown, value: number): boolean {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) return false;
  for (let i = 0; i < operand.length; i += 2) {
    const comparison = operand[i];
    const bound = operand[i + 1];
    if (typeof bound !== 'number' || !compare(value, comparison, bound)) return false;
  }
  return true;
}

function compare(value: number, comparison: unknown, bound: number): boolean {
  switch (comparison) {
    case '=':
      return value === bound;
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
    default:
      return false;
  }
}

/**
 * Splits a wildcard pattern into the literal text between its unescaped `*`s, or returns undefined
 * for an escape AWS does not allow.
 */
function wildcardSegments(pattern: string): string[] | undefined {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*') {
      segments.push(current);
      current = '';
    } else if (char === '\\') {
      const escaped = pattern[i + 1];
      if (escaped !== '*' && escaped !== '\\') return undefined;
      current += escaped;
      i++;
    } else {
      current += char;
    }
  }
  segments.push(current);
  return segments;
}

// Greedy leftmost search instead of a regular expression: patterns with many `*` stay linear-ish
// rather than risking catastrophic backtracking on long values.
function matchesWildcard(pattern: string, value: string): boolean {
  const segments = wildcardSegments(pattern);
  if (segments === undefined) return false;
  const first = segments[0] ?? '';
  if (segments.length === 1) return value === first;
  const last = segments[segments.length - 1] ?? '';
  if (!value.startsWith(first) || value.length < first.length + last.length) return false;
  let position = first.length;
  const end = value.length - last.length;
  for (const middle of segments.slice(1, -1)) {
    const found = value.indexOf(middle, position);
    if (found === -1 || found + middle.length > end) return false;
    position = found + middle.length;
  }
  return value.endsWith(last);
}

type IpAddress = { readonly bits: 32 | 128; readonly value: bigint };

function matchesCidr(cidr: string, value: string): boolean {
  const block = parseCidr(cidr);
  const address = parseIp(value);
  if (typeof block === 'string' || address === undefined || address.bits !== block.address.bits) return false;
  const shift = BigInt(block.address.bits - block.prefixLength);
  return address.value >> shift === block.address.value >> shift;
}

function parseCidr(cidr: string): { address: IpAddress; prefixLength: number } | string {
  const parts = cidr.split('/');
  if (parts.length !== 2) return 'needs exactly one "/", as in "10.0.0.0/24"';
  const [host = '', mask = ''] = parts;
  const address = parseIp(host);
  if (address === undefined) return `"${host}" is not an IPv4 or IPv6 address`;
  if (!/^\d+$/.test(mask)) return `mask bits "${mask}" must be a whole number`;
  const prefixLength = Number(mask);
  // AWS rejects a full-length mask (/32 or /128); an exact address is matched with a plain string instead.
  if (prefixLength >= address.bits) {
    return `${address.bits === 32 ? 'IPv4' : 'IPv6'} mask bits must be below ${address.bits}`;
  }
  return { address, prefixLength };
}

function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) return parseIpv6(text);
  const value = parseIpv4(text);
  return value === undefined ? undefined : { bits: 32, value };
}

function parseIpv4(text: string): bigint | undefined {
  const octets = text.split('.');
  if (octets.length !== 4) return undefined;
  let value = 0n;
  for (const octet of octets) {
    if (!/^\d{1,3}$/.test(octet) || Number(octet) > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): IpAddress | undefined {
  const halves = text.toLowerCase().split('::');
  if (halves.length > 2) return undefined;
  const compressed = halves.length === 2;
  const head = groupsOf(halves[0] ?? '', !compressed);
  const tail = compressed ? groupsOf(halves[1] ?? '', true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (compressed ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<number>(compressed ? missing : 0).fill(0), ...tail];
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  return { bits: 128, value };
}

// Parses colon-separated hex groups, allowing a dotted IPv4 tail as in "::ffff:10.0.0.1".
function groupsOf(text: string, allowIpv4Tail: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (const [index, part] of parts.entries()) {
    if (allowIpv4Tail && index === parts.length - 1 && part.includes('.')) {
      const ipv4 = parseIpv4(part);
      if (ipv4 === undefined) return undefined;
      groups.push(Number(ipv4 >> 16n), Number(ipv4 & 0xffffn));
    } else if (/^[0-9a-f]{1,4}$/.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/** Lists every reason AWS would reject `pattern`, or returns an empty list when the pattern is valid. */
export function validatePattern(pattern: unknown): string[] {
  if (!isObject(pattern)) return [`the pattern must be a JSON object, got ${describe(pattern)}`];
  const problems: string[] = [];
  validateObject(pattern, '', false, problems);
  return problems;
}

function validateObject(pattern: JsonObject, path: string, insideOr: boolean, problems: string[]): void {
  const where = path === '' ? 'the pattern' : `"${path}"`;
  const entries = Object.entries(pattern);
  if (entries.length === 0) problems.push(`${where} is an empty object; AWS does not allow empty objects`);
  for (const [key, rule] of entries) {
    if (key === OR_KEY) {
      validateOr(rule, joinPath(path, key), problems);
      continue;
    }
    const fieldPath = joinPath(path, key);
    if (insideOr && RESERVED_IN_OR.has(key)) {
      problems.push(`"${fieldPath}": "${key}" is reserved and cannot be a field name inside $or`);
    }
    if (Array.isArray(rule)) {
      validateLeaf(rule, fieldPath, problems);
    } else if (isObject(rule)) {
      validateObject(rule, fieldPath, insideOr, problems);
    } else {
      problems.push(
        `"${fieldPath}" must be an array of values or a nested object, got ${describe(rule)} (wrap it in [ ])`,
      );
    }
  }
}

function validateOr(rule: unknown, path: string, problems: string[]): void {
  if (!Array.isArray(rule)) {
    problems.push(`"${path}" must be an array of at least two objects, got ${describe(rule)}`);
    return;
  }
  if (rule.length < 2) problems.push(`"${path}" needs at least two alternatives, got ${rule.length}`);
  for (const [index, branch] of rule.entries()) {
    const branchPath = `${path}[${index}]`;
    if (isObject(branch)) validateObject(branch, branchPath, true, problems);
    else problems.push(`"${branchPath}" must be an object, got ${describe(branch)}`);
  }
}

function validateLeaf(rule: readonly unknown[], path: string, problems: string[]): void {
  if (rule.length === 0) problems.push(`"${path}" is an empty array, which would match nothing`);
  for (const [index, condition] of rule.entries()) {
    const where = `"${path}"[${index}]`;
    if (isObject(condition)) {
      validateOperator(condition, where, problems);
    } else if (!isLiteral(condition)) {
      problems.push(`${where} must be a string, number, true, false, null or an operator object`);
    }
  }
}

function validateOperator(condition: JsonObject, where: string, problems: string[]): void {
  const entries = Object.entries(condition);
  const [first] = entries;
  if (first === undefined) {
    problems.push(`${where} is an empty operator object`);
    return;
  }
  if (entries.length > 1) {
    problems.push(`${where} has ${entries.length} keys; an operator object takes exactly one`);
  }
  const [name, operand] = first;
  const problem = operandProblem(name, operand);
  if (problem !== undefined) problems.push(`${where}: ${problem}`);
}

function operandProblem(name: string, operand: unknown): string | undefined {
  switch (name) {
    case 'prefix':
    case 'suffix':
      return affixProblem(name, operand);
    case 'equals-ignore-case':
      return typeof operand === 'string'
        ? undefined
        : `equals-ignore-case needs a string, got ${describe(operand)}`;
    case 'wildcard':
      return typeof operand === 'string'
        ? wildcardProblem(operand)
        : `wildcard needs a string, got ${describe(operand)}`;
    case 'anything-but':
      return anythingButProblem(operand);
    case 'numeric':
      return numericProblem(operand);
    case 'exists':
      return typeof operand === 'boolean'
        ? undefined
        : `exists must be true or false, got ${describe(operand)}`;
    case 'cidr': {
      if (typeof operand !== 'string')
        return `cidr needs a string such as "10.0.0.0/24", got ${describe(operand)}`;
      const block = parseCidr(operand);
      return typeof block === 'string' ? `cidr "${operand}" ${block}` : undefined;
    }
    default:
      return `unknown operator "${name}" (expected one of ${OPERATORS.join(', ')})`;
  }
}

function affixProblem(name: string, operand: unknown): string | undefined {
  if (typeof operand === 'string') return undefined;
  if (isObject(operand)) {
    const entries = Object.entries(operand);
    const [first] = entries;
    if (entries.length !== 1 || first?.[0] !== 'equals-ignore-case') {
      return `${name} takes a string or {"equals-ignore-case": string}`;
    }
    return typeof first[1] === 'string'
      ? undefined
      : `${name} equals-ignore-case needs a string, got ${describe(first[1])}`;
  }
  return `${name} needs a string, got ${describe(operand)}`;
}

function wildcardProblem(pattern: string): string | undefined {
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*' && pattern[i + 1] === '*') {
      return `wildcard "${pattern}" has consecutive "*" at position ${i}`;
    }
    if (char === '\\') {
      const escaped = pattern[i + 1];
      if (escaped !== '*' && escaped !== '\\') {
        return `wildcard "${pattern}" has an invalid escape at position ${i}; only \\* and \\\\ are allowed`;
      }
      i++;
    }
  }
  return undefined;
}

function anythingButProblem(operand: unknown): string | undefined {
  if (typeof operand === 'string') return undefined;
  if (typeof operand === 'number')
    return Number.isFinite(operand) ? undefined : 'anything-but needs a finite number';
  if (Array.isArray(operand)) {
    if (operand.length === 0) return 'anything-but needs at least one value';
    const allStrings = operand.every((item) => typeof item === 'string');
    const allNumbers = operand.every((item) => typeof item === 'number' && Number.isFinite(item));
    return allStrings || allNumbers
      ? undefined
      : 'anything-but lists must hold only strings or only numbers (no mixing, booleans, null or objects)';
  }
  if (isObject(operand)) {
    const entries = Object.entries(operand);
    const [first] = entries;
    if (entries.length !== 1 || first === undefined || !ANYTHING_BUT_TESTS.has(first[0])) {
      return 'anything-but takes exactly one of prefix, suffix, equals-ignore-case or wildcard';
    }
    const [name, inner] = first;
    const values = Array.isArray(inner) ? inner : [inner];
    if (values.length === 0) return `anything-but ${name} needs at least one value`;
    for (const value of values) {
      if (typeof value !== 'string') return `anything-but ${name} needs strings, got ${describe(value)}`;
      if (value === '' && (name === 'prefix' || name === 'suffix')) {
        return `anything-but ${name} cannot be an empty string`;
      }
      if (name === 'wildcard') {
        const problem = wildcardProblem(value);
        if (problem !== undefined) return `anything-but ${problem}`;
      }
    }
    return undefined;
  }
  return `anything-but needs a string, number, list or object, got ${describe(operand)}`;
}

function numericProblem(operand: unknown): string | undefined {
  if (!Array.isArray(operand))
    return `numeric needs an array such as [">", 0, "<=", 5], got ${describe(operand)}`;
  if (operand.length !== 2 && operand.length !== 4) {
    return `numeric takes one or two comparisons (2 or 4 elements), got ${operand.length} elements`;
  }
  for (let i = 0; i < operand.length; i += 2) {
    const comparison = operand[i];
    const bound = operand[i + 1];
    if (typeof comparison !== 'string' || !['=', '<', '<=', '>', '>='].includes(comparison)) {
      return `numeric operator ${describe(comparison)} is not one of =, <, <=, >, >=`;
    }
    if (typeof bound !== 'number' || !Number.isFinite(bound)) {
      return `numeric value after "${comparison}" must be a number, got ${describe(bound)}`;
    }
  }
  if (operand.length === 4) {
    const [lowOp, low, highOp, high] = operand as [string, number, string, number];
    if (!LOWER_BOUNDS.has(lowOp) || !UPPER_BOUNDS.has(highOp)) {
      return 'a numeric range must start with ">" or ">=" and end with "<" or "<="';
    }
    if (low >= high) return `numeric range bottom ${low} must be less than top ${high}`;
  }
  return undefined;
}

function isOrClause(rule: unknown): rule is JsonObject[] {
  return Array.isArray(rule) && rule.length > 0 && rule.every(isObject);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLiteral(value: unknown): boolean {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function singleEntry(object: JsonObject): [string, unknown] | undefined {
  const entries = Object.entries(object);
  return entries.length === 1 ? entries[0] : undefined;
}

// Own properties only, so that an event lacking "constructor" does not inherit Object.prototype's.
function fieldOf(node: unknown, key: string): unknown {
  return isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
}

// AWS "crushes" arrays, including arrays of arrays, into the set of values a field holds.
function flatten(value: unknown): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(flatten);
  return [value];
}

function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
