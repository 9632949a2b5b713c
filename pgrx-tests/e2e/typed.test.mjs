// The generated TypeScript types (types/database.ts, written by
// scripts/types.sh) as an app compiles against them, with the TypeScript
// pinned in package.json: typed/client.ts uses the API through
// createClient<Database> and must compile under `tsc --noEmit --strict`, with
// typed/typos.ts, whose deliberate typos sit under `// @ts-expect-error` (tsc
// fails when one of them compiles). Then copies of client.ts with one typo
// injected each (an RPC argument, an RPC name, a column of an insert, a field
// of a typed result) must fail to compile, naming the typo. No database here:
// only the compiler runs.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

const E2E = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(E2E, '../..')
const TYPED = path.join(E2E, 'typed')

function tsc(project) {
  const res = spawnSync('npx', ['--no', '--', 'tsc', '--noEmit', '--strict', '-p', project], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  })
  if (res.error) throw res.error
  return { status: res.status, output: `${res.stdout}${res.stderr}` }
}

// A copy of typed/ holding client.ts with `from` replaced by `to` (once, and
// it must be there): a sibling folder of typed/, so that the relative import
// of types/database.ts and node_modules resolve as they do for the original.
function withTypo(from, to, fn) {
  const source = fs.readFileSync(path.join(TYPED, 'client.ts'), 'utf8')
  assert.equal(source.split(from).length, 2, `client.ts should contain ${JSON.stringify(from)} exactly once`)
  const dir = fs.mkdtempSync(path.join(E2E, '.typed-typo-'))
  try {
    fs.copyFileSync(path.join(TYPED, 'tsconfig.json'), path.join(dir, 'tsconfig.json'))
    fs.writeFileSync(path.join(dir, 'client.ts'), source.replace(from, to))
    return fn(path.relative(ROOT, dir))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

describe('generated TypeScript types', () => {
  test('types/database.ts exists (scripts/types.sh writes it)', () => {
    const file = path.join(ROOT, 'types', 'database.ts')
    assert.ok(fs.existsSync(file), 'types/database.ts is missing: run scripts/types.sh')
    assert.match(fs.readFileSync(file, 'utf8'), /export type Database = \{/)
  })

  test('client.ts and typos.ts compile with tsc --noEmit --strict (every typo under @ts-expect-error is an error)', () => {
    const { status, output } = tsc(path.relative(ROOT, TYPED))
    assert.equal(status, 0, `tsc failed:\n${output}`)
  })

  const typos = [
    {
      what: 'a misspelled RPC argument',
      from: "rpc('toggle_like', { p_creation_id: created.id })",
      to: "rpc('toggle_like', { p_creatoin_id: created.id })",
      name: 'p_creatoin_id',
    },
    {
      what: 'a misspelled RPC name',
      from: "rpc('search_creations', { p_query: 'sea' })",
      to: "rpc('search_creation', { p_query: 'sea' })",
      name: 'search_creation',
    },
    {
      what: 'a misspelled column in an insert',
      from: "title: 'Dragon over the sea'",
      to: "titel: 'Dragon over the sea'",
      name: 'titel',
    },
    {
      what: 'a misspelled field of a typed select',
      from: 'c.title.toUpperCase()',
      to: 'c.titel.toUpperCase()',
      name: 'titel',
    },
    {
      what: 'a field used with the wrong type',
      from: 'const followers: number = p.follower_count',
      to: 'const followers: number = p.display_name',
      name: 'display_name|string \\| null',
    },
  ]
  for (const { what, from, to, name } of typos) {
    test(`client.ts with ${what} (${to.slice(0, 40)}...) fails to compile`, () => {
      withTypo(from, to, (project) => {
        const { status, output } = tsc(project)
        assert.notEqual(status, 0, `tsc accepted the typo:\n${output}`)
        assert.match(output, /client\.ts\(\d+,\d+\): error TS\d+/, output)
        assert.match(output, new RegExp(name), `tsc's errors do not mention ${name}:\n${output}`)
      })
    })
  }
})
