// Smoke test of the e2e harness: a real PostgREST 12.0.2 in front of a
// database with arcanea, reached with plain fetch and with supabase-js.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { useStack } from './harness.mjs'

// A probe table and function that exist only in this test's database: they
// show which role and user PostgREST switched to for each kind of client.
const stack = useStack({
  setupSql: `
    create table public.e2e_probe (id int primary key, note text not null);
    insert into public.e2e_probe values (1, 'hello'), (2, 'world');
    grant select on public.e2e_probe to anon, authenticated, service_role;
    create function public.e2e_whoami() returns json language sql stable as $$
      select json_build_object('role', current_user, 'uid', auth.uid(), 'jwt_role', auth.role())
    $$;
    grant execute on function public.e2e_whoami() to anon, authenticated, service_role;
  `,
})

describe('PostgREST in front of arcanea', () => {
  test('GET / answers with an OpenAPI (swagger 2.0) document', async () => {
    const res = await stack.rest('/')
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type'), /application\/openapi\+json/)
    assert.match(res.headers.get('server') ?? '', /postgrest\/12\.0\.2/)
    const doc = await res.json()
    assert.equal(doc.swagger, '2.0')
    assert.ok(doc.paths['/e2e_probe'], 'the probe table is in the OpenAPI paths')
  })

  test('a request with the anon key works (plain fetch)', async () => {
    const res = await stack.rest('/e2e_probe?select=id,note&order=id', {
      headers: { apikey: stack.anonKey, Authorization: `Bearer ${stack.anonKey}` },
    })
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), [
      { id: 1, note: 'hello' },
      { id: 2, note: 'world' },
    ])
  })

  test('supabase-js with the anon key reads a table and calls an RPC as anon', async () => {
    const anon = stack.client('anon')
    const { data, error } = await anon.from('e2e_probe').select('note').order('id')
    assert.equal(error, null)
    assert.deepEqual(data, [{ note: 'hello' }, { note: 'world' }])
    const who = await anon.rpc('e2e_whoami')
    assert.equal(who.error, null)
    assert.deepEqual(who.data, { role: 'anon', uid: null, jwt_role: 'anon' })
  })

  test('a user created in auth.users gets role authenticated and auth.uid()', async () => {
    const user = await stack.createUser({ username: 'smoke_user' })
    const rows = await stack.query(`select id, aud, role, raw_user_meta_data->>'username' as username from auth.users`)
    assert.deepEqual(rows, [{ id: user.id, aud: 'authenticated', role: 'authenticated', username: 'smoke_user' }])
    const { data, error } = await user.client.rpc('e2e_whoami')
    assert.equal(error, null)
    assert.deepEqual(data, { role: 'authenticated', uid: user.id, jwt_role: 'authenticated' })
    // Signing up through auth.users is what makes arcanea create the profile.
    const profiles = await stack.query(`select username from public.profiles where id = :'id'`, { id: user.id })
    assert.deepEqual(profiles, [{ username: 'smoke_user' }])
  })

  test('the service_role key switches to service_role', async () => {
    const { data, error } = await stack.client('service_role').rpc('e2e_whoami')
    assert.equal(error, null)
    assert.deepEqual(data, { role: 'service_role', uid: null, jwt_role: 'service_role' })
  })

  test('an invalid JWT gets 401 (PGRST301)', async () => {
    const forged = await stack.mintJwt({ role: 'service_role' }, { secret: 'not-the-secret-but-32-characters-long!!' })
    for (const token of [forged, 'not.a.jwt', `${stack.anonKey}x`]) {
      const res = await stack.rest('/e2e_probe', { headers: { Authorization: `Bearer ${token}` } })
      assert.equal(res.status, 401, `token ${token.slice(0, 20)}...`)
      assert.equal((await res.json()).code, 'PGRST301')
      assert.match(res.headers.get('www-authenticate') ?? '', /invalid_token/)
    }
    const { error, status } = await stack.client(forged).from('e2e_probe').select('*')
    assert.equal(status, 401)
    assert.equal(error.code, 'PGRST301')
  })

  test('an expired JWT gets 401 "JWT expired"', async () => {
    const expired = await stack.mintJwt({ role: 'authenticated', exp: Math.floor(Date.now() / 1000) - 120 })
    const res = await stack.rest('/e2e_probe', { headers: { Authorization: `Bearer ${expired}` } })
    assert.equal(res.status, 401)
    const body = await res.json()
    assert.equal(body.code, 'PGRST301')
    assert.match(body.message, /expired/i)
  })
})
