// Arbitraries for hostile.test.mjs: one entry per RPC, each argument drawn
// from a mix of valid values (ids of rows that exist, resolved at call time)
// and hostile ones (NULL, omitted, random uuids, other users' ids, huge and
// negative numbers, 10 MB strings, SQL meta-characters, unicode edge cases,
// invalid enum values, malformed cursors, JSON of the wrong type).
//
// fast-check generates *descriptors*, small plain objects, never the values
// themselves: `{ k: 'ref', pool: 'creations', who: 'other', i: 3 }` becomes
// the id of the 4th creation of someone else than the subject when the call
// runs (the pools change as calls create rows), `{ k: 'huge', i: 0 }` becomes
// a 10 MB string. So counterexamples print small and shrink well.
import fc from 'fast-check'

export const OMIT = Symbol('omit')

// ---------------------------------------------------------------------------
// Hostile text
// ---------------------------------------------------------------------------

/** SQL, LIKE, regex, tsquery and JSON meta-characters. */
export const SQL_META = [
  "'; drop table public.profiles; --",
  "' or '1'='1",
  "'); select pg_sleep(10); --",
  '"; drop table x; --',
  '%',
  '_',
  '%_%',
  '\\',
  '\\\\',
  "\\'",
  '$$',
  '$1',
  '$$; drop table x; $$',
  '/*',
  '*/',
  '--',
  ';',
  "E'\\x00'",
  '{}',
  '[]',
  '{"a":',
  'null',
  'NULL',
  'true',
  '!',
  '&',
  '|',
  '<->',
  ':*',
  'a:*',
  '(',
  ')',
  '"unclosed',
  '""',
  '-',
  '--word',
  '-"phrase"',
  'or',
  'OR OR OR',
  'dragon -dragon',
  '"dragon" or -"dawn"',
  '!!&&||<->',
  '\'"`',
  '@alice @bob @@@',
  '*',
  '.*',
  '(?:a+)+$',
]

/** Unicode edge cases, including the NUL byte and lone surrogates. */
export const UNICODE_EDGE = [
  '\u0000',
  'a\u0000b',
  '\u0000dragon',
  '\ud800',
  '\udfff',
  'x\ud83dy',
  '\udc00\ud800',
  '\u202e\u202dreversed', // RTL / LTR override
  '\u200f\u200e', // RTL / LTR marks
  '\u061c', // arabic letter mark
  'e\u0301', // combining acute
  '\u0301\u0301\u0301', // combining marks alone
  'Z\u0335\u0322\u031b\u031b\u032d\u0347\u0349\u0353\u0325\u035a\u0331\u0333', // zalgo
  '\u{1F469}\u200d\u{1F469}\u200d\u{1F467}\u200d\u{1F466}', // ZWJ family
  '\u{1F3F3}\ufe0f\u200d\u{1F308}', // rainbow flag
  '\u{1D573}\u{1D58A}\u{1D591}', // 4-byte math letters
  '\u{10FFFF}',
  '\u{10FFFF}dragon',
  '\u{1F600}',
  '\ufeff', // BOM
  '\ufffe\uffff', // noncharacters
  '\ufffd',
  '\u00a0', // no-break space
  '\u3000', // ideographic space
  '\u2028\u2029', // line / paragraph separators
  '\u200b', // zero width space
  '\u180e', // mongolian vowel separator
  '\t\n\r\v\f',
  '\u0085', // next line
  '\u0130stanbul', // dotted capital I: lowercases to two code points
  'STRASSE \u00df \u1e9e', // sharp s
  '\ufb03', // ffi ligature
  '\u03a3\u03c3\u03c2', // sigma forms
  '\u0627\u0644\u0639\u0631\u0628\u064a\u0629', // arabic
  '\u05e2\u05d1\u05e8\u05d9\u05ea', // hebrew
  '\u4e2d\u6587\u5b57', // CJK
  '\ud55c\uad6d\uc5b4', // hangul
  '\u0915\u094d\u0937', // devanagari conjunct
  '\u00c5\u212b', // A-ring vs angstrom sign
  'dra\u0000gon',
  '\x1b[31mred\x1b[0m', // ANSI escapes
  '\x7f\x01\x02',
]

/** Ordinary, valid-looking text: what a real client sends. */
export const PLAIN = [
  'dragon',
  'Dragon at dawn',
  'synthwave',
  'dragn', // a typo of a published word
  'synthwvae',
  'hello world',
  'I love painting dragons.',
  'fact',
  'web-1',
  'web-2',
  'session-\u00e9',
  'Remember that I prefer watercolour',
  'what should I paint next?',
  'a',
  'ab',
  '  padded  ',
]

/** Whitespace-only strings (content must contain a non-space). */
export const BLANK = ['', ' ', '   ', '\t', '\n', ' \n\t ', '\u00a0\u3000', '\u200b']

/** Invalid UTF-8 byte sequences, sent as raw bytes (direct channel only). */
export const BAD_UTF8 = [
  'ff',
  'fe',
  'c0af', // overlong '/'
  'c080', // overlong NUL
  'eda080', // UTF-8 encoded lone surrogate U+D800
  'edbfbf', // U+DFFF
  'f4908080', // beyond U+10FFFF
  'e282', // truncated 3-byte sequence
  'f09f98', // truncated 4-byte sequence
  '80', // lone continuation byte
  '61ff62',
  '00', // NUL
  '6100', // a NUL
]

/** 10 MB strings (built once, lazily). Use sparingly: each takes a while. */
const HUGE_MAKERS = [
  () => 'a'.repeat(10 << 20),
  () => '\u{1F600}'.repeat((10 << 20) / 4), // 10 MB of 4-byte chars
  () => ' '.repeat(10 << 20),
  () => 'dragon '.repeat(Math.floor((10 << 20) / 7)),
  () => "'; drop table x; -- ".repeat(Math.floor((10 << 20) / 20)),
]
const hugeCache = new Map()
export function hugeString(i) {
  const n = i % HUGE_MAKERS.length
  if (!hugeCache.has(n)) hugeCache.set(n, HUGE_MAKERS[n]())
  return hugeCache.get(n)
}

/** Lengths around every limit the API has (200, 2000, 5000, 32000). */
const BOUNDARY_LENGTHS = [29, 30, 31, 199, 200, 201, 1999, 2000, 2001, 4999, 5000, 5001, 31999, 32000, 32001]
const BOUNDARY_UNITS = ['x', '\u00e9', '\u{1F600}', 'e\u0301', ' ', 'a ', '\u00a0', "'"]

// ---------------------------------------------------------------------------
// Descriptor arbitraries
// ---------------------------------------------------------------------------

const omit = fc.constant({ k: 'omit' })
const nul = fc.constant({ k: 'null' })
const lit = (arb) => arb.map((v) => ({ k: 'lit', v }))

/** JSON values of the wrong type for any argument (numbers, booleans, objects, arrays). */
const wrongJson = lit(
  fc.oneof(
    fc.constantFrom(0, 1, -1, 1.5, 1e308, true, false, {}, [], [1, 2], { a: 1 }, { p_user_id: null }, ['x'], [[]]),
    fc.double().filter((d) => Number.isFinite(d)),
  ),
)

/** Free text: concatenations of hostile fragments, random unicode, plain words. */
const fragment = fc.oneof(
  { arbitrary: fc.constantFrom(...SQL_META), weight: 3 },
  { arbitrary: fc.constantFrom(...UNICODE_EDGE), weight: 3 },
  { arbitrary: fc.constantFrom(...PLAIN), weight: 3 },
  { arbitrary: fc.constantFrom(...BLANK), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }), weight: 1 },
)
const mixedText = fc.array(fragment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join(''))

const textCore = fc.oneof(
  { arbitrary: lit(fc.constantFrom(...PLAIN)), weight: 6 },
  { arbitrary: lit(fc.constantFrom(...SQL_META)), weight: 4 },
  { arbitrary: lit(fc.constantFrom(...UNICODE_EDGE)), weight: 4 },
  { arbitrary: lit(fc.constantFrom(...BLANK)), weight: 2 },
  { arbitrary: lit(mixedText), weight: 5 },
  { arbitrary: lit(fc.string({ unit: 'binary', maxLength: 60 })), weight: 3 },
  {
    arbitrary: fc
      .record({ s: fc.constantFrom(...BOUNDARY_UNITS), n: fc.constantFrom(...BOUNDARY_LENGTHS) })
      .map(({ s, n }) => ({ k: 'rep', s, n })),
    weight: 2,
  },
  { arbitrary: fc.constantFrom(...BAD_UTF8).map((hex) => ({ k: 'bytes', hex })), weight: 1 },
  { arbitrary: wrongJson, weight: 1 },
  { arbitrary: omit, weight: 2 },
  { arbitrary: nul, weight: 2 },
)

/** Any text argument: mostly textCore, a 10 MB string about once in 100. */
export function textArb(extra = []) {
  const core = extra.length ? fc.oneof({ arbitrary: textCore, weight: 3 }, { arbitrary: fc.oneof(...extra), weight: 2 }) : textCore
  return fc.oneof(
    { arbitrary: core, weight: 100 },
    { arbitrary: fc.nat(HUGE_MAKERS.length - 1).map((i) => ({ k: 'huge', i })), weight: 1 },
  )
}

/** An enumerated text argument: the valid values, near misses, and hostile text. */
export function enumArb(valid) {
  const nearMisses = valid.flatMap((v) => [
    v.toUpperCase(),
    v[0].toUpperCase() + v.slice(1),
    ` ${v}`,
    `${v} `,
    `${v}\u0000`,
    `${v}s`,
    v.slice(0, -1),
    `${v};drop table x`,
    `${v}\u200b`,
    v.replace(/e/g, '\u0435'), // cyrillic e
  ])
  return textArb([
    { arbitrary: lit(fc.constantFrom(...valid)), weight: 8 },
    { arbitrary: lit(fc.constantFrom(...nearMisses, 'admin', 'root', 'other', 'a', 'a'.repeat(31), 'fact-1', 'x_y_z')), weight: 4 },
  ])
}

/** Integers: valid, around 0/-1, limits, 2^31 and beyond, non-integers. */
export function intArb(valid = fc.integer({ min: 1, max: 100 })) {
  return fc.oneof(
    { arbitrary: lit(valid), weight: 6 },
    {
      arbitrary: lit(
        fc.constantFrom(
          -2147483648, -2147483647, -1000, -1, 0, 1, 2, 5, 9, 10, 11, 20, 49, 50, 51, 99, 100, 101, 499, 500, 501, 9999, 10000,
          10001, 1000000, 2147483646, 2147483647,
        ),
      ),
      weight: 6,
    },
    { arbitrary: lit(fc.integer()), weight: 2 },
    {
      // beyond int4, or not integers at all (sent as text, or as JSON)
      arbitrary: lit(
        fc.constantFrom(
          '2147483648', '-2147483649', '4294967296', '99999999999999999999', '9223372036854775808', '1e3', '1.5', '-0', '0x10',
          ' 7 ', '', 'NaN', 'Infinity', 'null', '1; drop table x', '\u0661', // arabic-indic one
          2147483648, -2147483649, 1e21, 0.5, -0.5,
        ),
      ),
      weight: 2,
    },
    { arbitrary: wrongJson, weight: 1 },
    { arbitrary: omit, weight: 3 },
    { arbitrary: nul, weight: 2 },
  )
}

/** numeric (p_cost): valid, negative, NaN, infinities, huge, tiny, garbage. */
export function numericArb() {
  return fc.oneof(
    { arbitrary: lit(fc.constantFrom('0', '0.5', '0.000001', '1', '12.34', '999999.999999')), weight: 4 },
    {
      arbitrary: lit(
        fc.constantFrom(
          '-1', '-0', '-0.0000001', 'NaN', 'Infinity', '-Infinity', 'inf', '1000000', '1e6', '1e100', '1e1000', '1e-1000',
          '0.0000000001', '1e131071', '-1e131071', 'abc', '', ' 1 ', '1,5', '1e', '.', '+.5',
          1.5, 1e308, -1e308, 5e-324, 0,
        ),
      ),
      weight: 4,
    },
    { arbitrary: lit(fc.double({ noNaN: true, noDefaultInfinity: true })), weight: 2 },
    { arbitrary: wrongJson, weight: 1 },
    { arbitrary: omit, weight: 6 },
    { arbitrary: nul, weight: 2 },
  )
}

/** interval (maintenance ages): valid, negative, zero, huge, infinite, garbage. */
export function intervalArb() {
  return fc.oneof(
    { arbitrary: lit(fc.constantFrom('90 days', '30 days', '1 day', '1 year', '00:00:01')), weight: 4 },
    {
      arbitrary: lit(
        fc.constantFrom(
          '0', '-1 day', '-100 years', '1 microsecond', '100 years', '178000000 years', '178000001 years', '-178000000 years',
          '1000000000 years', '2147483647 days', '-2147483648 days', '2147483647 months', '9223372036854775807 microseconds',
          'infinity', '-infinity', 'P1D', 'P-1Y', 'PT', '@ 1 day ago', '1 day; drop table x', '', 'abc', '1', '1e10 days',
          '\u0000', '1 fortnight',
        ),
      ),
      weight: 4,
    },
    { arbitrary: wrongJson, weight: 1 },
    { arbitrary: omit, weight: 4 },
    { arbitrary: nul, weight: 2 },
  )
}

/** Malformed uuids (and forms Postgres does accept: no dashes, braces, upper case). */
const BAD_UUIDS = [
  '',
  ' ',
  'abc',
  'null',
  "'; drop table x; --",
  '00000000-0000-0000-0000-00000000000', // one digit short
  '00000000-0000-0000-0000-0000000000000', // one digit long
  'g0000000-0000-4000-8000-000000000001',
  '00000000000040008000000000000001', // no dashes: valid for Postgres
  '{00000000-0000-4000-8000-000000000001}', // braces: valid for Postgres
  '00000000-0000-4000-8000-000000000001 ',
  '0000-0000-0000-4000-8000-000000000001',
  '\u0000',
  '\uff10\uff10\uff10\uff10\uff10\uff10\uff10\uff10-0000-4000-8000-000000000001', // fullwidth digits
]
const SPECIAL_UUIDS = [
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '00000000-0000-4000-8000-00000000a001'.toUpperCase(), // Lumina, upper case
]

/**
 * A uuid argument whose valid values come from `pool` ('users', 'creations',
 * 'conversations', 'notifications', 'luminors').
 */
export function uuidArb(pool) {
  const who =
    pool === 'luminors'
      ? fc.constantFrom('any', 'any', 'inactive', 'private')
      : pool === 'users'
        ? fc.constantFrom('own', 'own', 'other', 'other', 'any', 'inactive', 'ghost', 'never')
        : fc.constantFrom('own', 'own', 'other', 'other', 'any')
  const ref = fc.record({ who, i: fc.nat(40), upper: fc.boolean() }).map(({ who, i, upper }) => ({
    k: 'ref',
    pool,
    who,
    i,
    ...(upper ? { upper } : {}),
  }))
  // A user's id where another kind of row is expected.
  const users = fc.constantFrom('own', 'other', 'other', 'inactive', 'ghost', 'never').map((who) => ({ k: 'ref', pool: 'users', who, i: 0 }))
  const otherPool = fc
    .record({ pool: fc.constantFrom('users', 'creations', 'conversations', 'notifications', 'luminors', 'messages', 'comments'), i: fc.nat(40) })
    .map(({ pool, i }) => ({ k: 'ref', pool, who: 'any', i }))
  return fc.oneof(
    { arbitrary: ref, weight: 12 },
    { arbitrary: users, weight: pool === 'users' ? 0 : 1 },
    { arbitrary: otherPool, weight: 2 },
    { arbitrary: lit(fc.uuid()), weight: 2 },
    { arbitrary: lit(fc.constantFrom(...SPECIAL_UUIDS)), weight: 1 },
    { arbitrary: lit(fc.constantFrom(...BAD_UUIDS)), weight: 1 },
    { arbitrary: wrongJson, weight: 1 },
    { arbitrary: omit, weight: 4 },
    { arbitrary: nul, weight: 2 },
  )
}

/**
 * A uuid[] argument (get_presence's p_user_ids): lists of user ids, valid
 * (own, others, the deactivated one, a deleted one, ids of no user) and
 * hostile (empty, NULL elements, duplicates, around and far over the limit of
 * 100 ids, malformed elements, malformed or multidimensional array literals,
 * a bare uuid, JSON of the wrong type). `{ k: 'list', items }` resolves each
 * item like a single argument; `{ k: 'many', n }` is n ids of no user.
 */
export function uuidListArb() {
  const element = fc.oneof(
    {
      arbitrary: fc
        .record({ who: fc.constantFrom('own', 'other', 'other', 'any', 'inactive', 'ghost', 'never'), i: fc.nat(40) })
        .map(({ who, i }) => ({ k: 'ref', pool: 'users', who, i })),
      weight: 12,
    },
    { arbitrary: lit(fc.uuid()), weight: 2 },
    { arbitrary: lit(fc.constantFrom(...SPECIAL_UUIDS)), weight: 1 },
    { arbitrary: lit(fc.constantFrom(...BAD_UUIDS)), weight: 1 },
    { arbitrary: nul, weight: 2 },
  )
  const list = (items) => ({ k: 'list', items })
  const literals = [
    '{}',
    '{NULL}',
    '{',
    '}',
    '{,}',
    '{{}}',
    'not an array',
    'a0000000-0000-4000-8000-000000000001', // a bare uuid
    '{a0000000-0000-4000-8000-000000000001,}',
    '{"a0000000-0000-4000-8000-000000000001"}',
    '{{a0000000-0000-4000-8000-000000000001},{a0000000-0000-4000-8000-000000000002}}', // two dimensions
    '[0:0]={a0000000-0000-4000-8000-000000000001}', // explicit bounds
    '{a0000000-0000-4000-8000-000000000001}; drop table x',
    '(a0000000-0000-4000-8000-000000000001)',
  ]
  return fc.oneof(
    { arbitrary: fc.array(element, { minLength: 1, maxLength: 6 }).map(list), weight: 12 },
    { arbitrary: fc.constant(list([])), weight: 1 },
    { arbitrary: element.map((e) => list([e, e, e])), weight: 1 }, // duplicates
    { arbitrary: fc.constantFrom(99, 100, 101, 1000, 20000).map((n) => ({ k: 'many', n })), weight: 2 },
    { arbitrary: lit(fc.constantFrom(...literals)), weight: 2 },
    { arbitrary: wrongJson, weight: 1 },
    { arbitrary: omit, weight: 2 },
    { arbitrary: nul, weight: 2 },
  )
}

/** A feed cursor: real ones (built like get_user_feed builds them), then every way to break one. */
export function cursorArb() {
  const garbageJson = ['{"created_at":1,"id":"x"}', '[]', 'null', '{"a":', '"\\u0000"', '{}']
  const decoded = [
    '99999999999999999999:00000000-0000-4000-8000-000000000001', // i64 overflow
    '9223372036854775807:00000000-0000-4000-8000-000000000001', // i64 max: timestamp out of range
    '-9223372036854775808:00000000-0000-4000-8000-000000000001', // i64 min
    '0:00000000-0000-4000-8000-000000000001',
    '-1:00000000-0000-4000-8000-000000000001',
    '1764063885123456:zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
    '1764063885123456:+a+a+a+a-+a+a-+a+a-+a+a-+a+a+a+a+a+a',
    '1764063885123456:',
    ':',
    '1764063885123456',
    '1764063885123456:00000000-0000-4000-8000-000000000001:extra',
    '1.5:00000000-0000-4000-8000-000000000001',
    ' 1:00000000-0000-4000-8000-000000000001',
    '1764063885123456:\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9-0000-4000-8000-0000000000',
    "1'; drop table x; --:00000000-0000-4000-8000-000000000001",
  ]
  const real = fc.record({ who: fc.constantFrom('any', 'own', 'other'), i: fc.nat(40) }).map(({ who, i }) => ({ k: 'cursor', who, i }))
  return textArb([
    { arbitrary: real, weight: 8 },
    { arbitrary: fc.constantFrom(...garbageJson, ...decoded).map((text) => ({ k: 'b64', text })), weight: 5 },
    { arbitrary: lit(fc.base64String({ maxLength: 120 })), weight: 3 },
    { arbitrary: lit(fc.constantFrom('not base64!', '====', 'AAAA', 'A', 'MTIz', 'MTIzOg==', 'MTIz\nOg==', '-_-_', 'YQ')), weight: 3 },
    {
      arbitrary: fc.record({ who: fc.constantFrom('any'), i: fc.nat(40), cut: fc.nat(71) }).map(({ i, cut }) => ({ k: 'cursor', who: 'any', i, cut })),
      weight: 2,
    },
  ])
}

// ---------------------------------------------------------------------------
// Every RPC, and the arbitrary of each of its arguments (with its SQL type,
// checked against pg_proc by the test).
// ---------------------------------------------------------------------------

// `valid`: what a well-behaved client sends (ids of rows that exist, values
// in range, or the argument left out when it is optional); `arb`: the whole
// hostile mix, valid values included.
const validText = fc.oneof(
  { arbitrary: lit(fc.constantFrom(...PLAIN.filter((s) => s.trim().length > 0))), weight: 3 },
  { arbitrary: lit(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0)), weight: 1 },
)
const validRef = (pool, whos = ['own', 'own', 'own', 'other', 'any']) =>
  fc.record({ who: fc.constantFrom(...whos), i: fc.nat(40) }).map(({ who, i }) => ({ k: 'ref', pool, who, i }))
const arg = (type, valid, arb) => ({ type, valid, arb })

const userId = () => arg('uuid', fc.oneof(validRef('users', ['own']), omit), uuidArb('users'))
const targetUser = () => arg('uuid', validRef('users', ['other', 'other', 'own', 'inactive']), uuidArb('users'))
const luminorId = () => arg('uuid', validRef('luminors', ['any']), uuidArb('luminors'))
const rowId = (pool) => arg('uuid', validRef(pool), uuidArb(pool))
const limit = (max) => arg('integer', fc.oneof(omit, lit(fc.integer({ min: 1, max }))), intArb(fc.integer({ min: 1, max })))
const offset = () => arg('integer', fc.oneof(omit, lit(fc.integer({ min: 0, max: 50 }))), intArb(fc.integer({ min: 0, max: 50 })))
const enumArg = (values) => arg('text', fc.oneof(omit, lit(fc.constantFrom(...values))), enumArb(values))
const text = (validArb = validText) => arg('text', validArb, textArb())
const optionalText = (validArb = validText) => arg('text', fc.oneof(omit, validArb), textArb())
const interval = () =>
  arg('interval', fc.oneof(omit, lit(fc.constantFrom('90 days', '30 days', '1 day', '1 year', '0', '-1 day'))), intervalArb())

export const RPC_ARGS = {
  update_last_active: { p_user_id: userId() },
  get_or_create_conversation: {
    p_user_id: userId(),
    p_luminor_id: luminorId(),
    p_session_id: optionalText(lit(fc.constantFrom('web-1', 'web-2', 'mobile', 'session-\u00e9'))),
  },
  add_message_to_conversation: {
    p_conversation_id: rowId('conversations'),
    p_user_id: userId(),
    p_role: arg(
      'text',
      fc.oneof({ arbitrary: omit, weight: 4 }, { arbitrary: lit(fc.constant('user')), weight: 4 }, lit(fc.constantFrom('assistant', 'system'))),
      enumArb(['user', 'assistant', 'system']),
    ),
    p_content: text(),
    p_model: arg('text', fc.oneof({ arbitrary: omit, weight: 12 }, lit(fc.constantFrom('gpt-4o', 'claude'))), fc.oneof({ arbitrary: omit, weight: 2 }, textArb())),
    p_tokens: arg('integer', fc.oneof({ arbitrary: omit, weight: 12 }, lit(fc.nat(5000))), fc.oneof({ arbitrary: omit, weight: 2 }, intArb(fc.integer({ min: 0, max: 5000 })))),
    p_cost: arg('numeric', fc.oneof({ arbitrary: omit, weight: 12 }, lit(fc.constantFrom('0', '0.0125', '1.5'))), numericArb()),
  },
  check_bond_level_up: { p_user_id: userId(), p_luminor_id: luminorId() },
  add_key_memory: {
    p_user_id: userId(),
    p_luminor_id: luminorId(),
    p_memory_type: enumArg(['fact', 'preference', 'goal', 'project_idea']),
    p_content: text(),
    p_importance: arg('integer', fc.oneof(omit, lit(fc.integer({ min: 1, max: 10 }))), intArb(fc.integer({ min: 1, max: 10 }))),
  },
  get_key_memories: { p_user_id: userId(), p_luminor_id: luminorId(), p_query: optionalText(), p_limit: limit(100) },
  publish_creation: { p_creation_id: rowId('creations'), p_user_id: userId() },
  archive_creation: { p_creation_id: rowId('creations'), p_user_id: userId() },
  increment_creation_views: { p_creation_id: rowId('creations') },
  toggle_like: { p_user_id: userId(), p_creation_id: rowId('creations') },
  follow_user: { p_follower_id: userId(), p_following_id: targetUser() },
  unfollow_user: { p_follower_id: userId(), p_following_id: targetUser() },
  mark_notification_read: { p_notification_id: rowId('notifications'), p_user_id: userId() },
  mark_all_notifications_read: { p_user_id: userId() },
  search_creations: {
    p_query: optionalText(),
    p_type: enumArg(['image', 'music', 'video', 'text', 'multimodal']),
    p_limit: limit(100),
    p_offset: offset(),
  },
  get_user_feed: {
    p_user_id: userId(),
    p_limit: limit(100),
    p_offset: offset(),
    p_cursor: arg('text', fc.oneof(omit, fc.record({ who: fc.constant('any'), i: fc.nat(40) }).map(({ who, i }) => ({ k: 'cursor', who, i }))), cursorArb()),
  },
  get_user_stats: { p_user_id: arg('uuid', fc.oneof(validRef('users', ['own', 'other', 'inactive']), omit), uuidArb('users')) },
  get_conversation_with_messages: { p_conversation_id: rowId('conversations'), p_limit: limit(500) },
  get_luminor_relationship: { p_user_id: userId(), p_luminor_id: luminorId() },
  archive_old_conversations: { p_older_than: interval() },
  cleanup_notifications: { p_read_older_than: interval() },
  export_my_data: { p_user_id: userId() },
  get_presence: {
    p_user_ids: arg(
      'uuid[]',
      fc.array(validRef('users', ['own', 'other', 'other', 'inactive']), { minLength: 1, maxLength: 5 }).map((items) => ({ k: 'list', items })),
      uuidListArb(),
    ),
  },
  pending_storage_erasures: {},
}

// ---------------------------------------------------------------------------
// Callers
// ---------------------------------------------------------------------------

/** `sub` claims that are not a user's id (the JWT is still validly signed). */
export const WEIRD_SUBS = ['', 'not-a-uuid', 12345, null, 'UPPER_ALICE', "'; drop table x; --", '00000000-0000-0000-0000-000000000000', { id: 1 }]

/**
 * Who calls: anon; an active user (0..3) acting on their own or others'
 * data; a user whose profile is deactivated; a deleted user's still-valid
 * token; a token for a user that never existed; the service role; a JWT
 * with a strange `sub`.
 */
export const roleArb = fc.oneof(
  { arbitrary: fc.constant({ kind: 'anon' }), weight: 3 },
  { arbitrary: fc.nat(3).map((u) => ({ kind: 'user', u })), weight: 10 },
  { arbitrary: fc.constant({ kind: 'inactive' }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'ghost' }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'never' }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'service' }), weight: 4 },
  { arbitrary: fc.nat(WEIRD_SUBS.length - 1).map((w) => ({ kind: 'weird', w })), weight: 1 },
)

/** The arguments of `rpc` in the given mix. */
function argsArb(rpc, mix, hostileArg) {
  const names = Object.keys(RPC_ARGS[rpc])
  const hostile = names[hostileArg % names.length]
  const argArbs = Object.fromEntries(
    names.map((name) => {
      const { valid, arb } = RPC_ARGS[rpc][name]
      const useHostile = mix === 'hostile' || (mix === 'one-hostile' && name === hostile)
      return [name, useHostile ? arb : valid]
    }),
  )
  return fc.record(argArbs)
}

/** A second call to run at the same time as the first (direct SQL, read-write). */
function partnerArb(rpcNames) {
  return fc
    .record({
      rpc: fc.constantFrom(...rpcNames),
      role: roleArb,
      subject: fc.nat(3),
      mix: fc.constantFrom('valid', 'valid', 'one-hostile'),
      hostileArg: fc.nat(10),
    })
    .chain((base) => argsArb(base.rpc, base.mix, base.hostileArg).map((args) => ({ ...base, channel: 'direct', bogusArg: false, args })))
}

/**
 * One call: which RPC, as whom, with which arguments, over which channel
 * (direct SQL in a read-write or read-only transaction, or PostgREST by POST
 * or GET), and for callers without a user which user counts as "own".
 * Arguments come in three mixes: all valid (to reach the deep paths), all
 * valid but one hostile, or every argument from the hostile mix. A few
 * direct read-write calls run at the same time as a second call on another
 * connection: the same call (a double click) or another one (`partner`).
 */
export function callArb(rpcNames) {
  return fc
    .record({
      rpc: fc.constantFrom(...rpcNames),
      role: roleArb,
      subject: fc.nat(3),
      channel: fc.oneof(
        { arbitrary: fc.constant('direct'), weight: 10 },
        { arbitrary: fc.constant('direct-ro'), weight: 2 },
        { arbitrary: fc.constant('rest'), weight: 2 },
        { arbitrary: fc.constant('rest-get'), weight: 1 },
      ),
      mix: fc.constantFrom('valid', 'one-hostile', 'one-hostile', 'hostile'),
      hostileArg: fc.nat(10),
      bogusArg: fc.oneof({ arbitrary: fc.constant(false), weight: 40 }, { arbitrary: fc.constant(true), weight: 1 }),
      concurrent: fc.oneof(
        { arbitrary: fc.constant('no'), weight: 16 },
        { arbitrary: fc.constant('same'), weight: 1 },
        { arbitrary: fc.constant('other'), weight: 2 },
      ),
    })
    .chain((base) =>
      fc
        .record({
          args: argsArb(base.rpc, base.mix, base.hostileArg),
          partner: base.concurrent === 'other' && base.channel === 'direct' ? partnerArb(rpcNames) : fc.constant(null),
        })
        .map(({ args, partner }) => ({
          ...base,
          concurrent: base.channel === 'direct' ? base.concurrent : 'no',
          args,
          ...(partner ? { partner } : {}),
        })),
    )
}
