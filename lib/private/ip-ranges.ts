import * as net from 'node:net';
import { Token } from 'aws-cdk-lib';

/**
 * CIDR ranges of AWS WAF IP sets, parsed with Node's own address parsers (`net.isIPv4`, `net.isIPv6`, and the
 * WHATWG URL parser for the canonical form of an IPv6 address) and measured with exact integer arithmetic.
 */

/** One parsed range: its family and its first and last address as integers. */
export interface IpRange {
  readonly text: string;
  readonly family: 4 | 6;
  readonly prefix: number;
  readonly first: bigint;
  readonly last: bigint;
}

/** What `parseIpRange` found: the range, or why it is not one WAF accepts. */
export type ParsedIpRange =
  { readonly ok: true; readonly range: IpRange } | { readonly ok: false; readonly reason: string };

/**
 * The most of an address family a bypass list (`allowedIpRanges`) may cover together: 1/256, the size of one
 * IPv4 /8 (16,777,216 addresses) or one IPv6 /8. A bypass list is for a few offices or partners; a list wider
 * than this lets a large part of the internet past every rule, however it is split into pieces.
 */
export const MAX_BYPASS_SHARE_BITS = 8;

/** AWS WAF: at most 10,000 CIDR ranges in one IP set (https://docs.aws.amazon.com/waf/latest/developerguide/limits.html). */
export const MAX_RANGES_PER_IP_SET = 10_000;

const BITS = { 4: 32, 6: 128 } as const;

/** Parses `text` as an IPv4 or IPv6 CIDR range whose host bits are zero. */
export function parseIpRange(text: string): ParsedIpRange {
  const slash = text.indexOf('/');
  if (slash === -1) {
    return { ok: false, reason: 'no /prefix length' };
  }
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const family = net.isIPv4(address) ? 4 : net.isIPv6(address) && !address.includes('%') ? 6 : undefined;
  if (family === undefined) {
    return { ok: false, reason: `'${address}' is not an IPv4 or IPv6 address` };
  }
  const bits = BITS[family];
  const prefix = Number(prefixText);
  if (prefixText === '' || !Number.isInteger(prefix) || String(prefix) !== prefixText || prefix > bits) {
    return { ok: false, reason: `the prefix length must be 0 to ${bits}` };
  }
  const value = family === 4 ? ipv4Value(address) : ipv6Value(address);
  const size = 1n << BigInt(bits - prefix);
  const first = value - (value % size);
  if (first !== value) {
    const network = `${family === 4 ? ipv4Text(first) : ipv6Text(first)}/${prefix}`;
    return {
      ok: false,
      reason: `host bits are set: the range starting at the address is ${network}, the address alone is ${address}/${bits}`,
    };
  }
  return { ok: true, range: { text, family, prefix, first, last: first + size - 1n } };
}

/** The number of addresses `ranges` of one family cover together, overlaps counted once. */
export function coveredAddresses(ranges: readonly IpRange[]): bigint {
  const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  let total = 0n;
  let start: bigint | undefined;
  let end = -1n;
  for (const r of sorted) {
    if (start === undefined || r.first > end + 1n) {
      if (start !== undefined) total += end - start + 1n;
      start = r.first;
      end = r.last;
    } else if (r.last > end) {
      end = r.last;
    }
  }
  return start === undefined ? total : total + end - start + 1n;
}

/**
 * Problems with a list of WAF IP ranges named `name`: ranges that do not parse, a `/0` (WAF refuses it in an IP
 * set, https://docs.aws.amazon.com/waf/latest/APIReference/API_IPSet.html), more ranges than an IP set holds, and,
 * for a `bypass` list, ranges that together cover more than 1/2^MAX_BYPASS_SHARE_BITS of an address family.
 */
export function ipRangeProblems(name: string, texts: readonly string[], bypass: boolean): string[] {
  const problems: string[] = [];
  const ranges: IpRange[] = [];
  const bad: string[] = [];
  for (const text of texts.filter((t) => !Token.isUnresolved(t))) {
    const parsed = parseIpRange(text);
    if (parsed.ok) {
      ranges.push(parsed.range);
    } else {
      bad.push(`'${text}' (${parsed.reason})`);
    }
  }
  if (bad.length > 0) {
    problems.push(
      `\`${name}\` must hold CIDR ranges like '203.0.113.0/24' or '2001:db8::/32', got ${bad.join(', ')}`,
    );
  }
  const everything = ranges.filter((r) => r.prefix === 0).map((r) => `'${r.text}'`);
  if (everything.length > 0) {
    problems.push(
      bypass
        ? `\`${name}\` must not contain a /0 range: that would let every client bypass the firewall, got ${everything.join(', ')}`
        : `\`${name}\` must not contain a /0 range: AWS WAF IP sets refuse it, got ${everything.join(', ')}`,
    );
  }
  for (const family of [4, 6] as const) {
    const ofFamily = ranges.filter((r) => r.family === family);
    if (ofFamily.length > MAX_RANGES_PER_IP_SET) {
      problems.push(
        `\`${name}\` may hold at most ${MAX_RANGES_PER_IP_SET} IPv${family} ranges (one AWS WAF IP set), got ${ofFamily.length}`,
      );
    }
    const covered = coveredAddresses(ofFamily);
    const limit = 1n << BigInt(BITS[family] - MAX_BYPASS_SHARE_BITS);
    if (bypass && everything.length === 0 && covered > limit) {
      problems.push(
        `\`${name}\` must cover at most 1/${2 ** MAX_BYPASS_SHARE_BITS} of the IPv${family} address space together (one /${MAX_BYPASS_SHARE_BITS}): these ranges bypass every firewall rule, got ${share(covered, BITS[family])} of it in ${ofFamily.map((r) => `'${r.text}'`).join(', ')}`,
      );
    }
  }
  return problems;
}

/** `covered` as a percentage of a `bits`-bit address space, to two significant places. */
function share(covered: bigint, bits: number): string {
  const perMillion = Number((covered * 1_000_000n) >> BigInt(bits));
  return `${Number((perMillion / 10_000).toPrecision(2))}%`;
}

function ipv4Value(address: string): bigint {
  return address.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function ipv4Text(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

/** An IPv6 address as an integer. The URL parser's canonical form has hex groups only, one `::` at most. */
function ipv6Value(address: string): bigint {
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head, tail] = canonical.split('::');
  const groups = (text: string | undefined) => (text ? text.split(':') : []);
  const all =
    tail === undefined
      ? groups(head)
      : [
          ...groups(head),
          ...Array<string>(8 - groups(head).length - groups(tail).length).fill('0'),
          ...groups(tail),
        ];
  return all.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function ipv6Text(value: bigint): string {
  const groups = [...Array(8).keys()].map((i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}
