// Assertions on supabase-js results shared by the e2e files.
import assert from 'node:assert/strict'

/** A uuid no row has. */
export const MISSING = '99999999-0000-4000-8000-000000000099'

/** A successful response: no error, the given status; returns the data. */
export function ok(res, status = 200) {
  assert.equal(res.error, null, `unexpected error (HTTP ${res.status}): ${JSON.stringify(res.error)}`)
  assert.equal(res.status, status)
  return res.data
}

/** A failed response with the given status, SQLSTATE/PostgREST code and message. */
export function fails(res, status, code, message) {
  assert.notEqual(res.error, null, `expected HTTP ${status}, got ${res.status} with ${JSON.stringify(res.data)}`)
  assert.equal(res.status, status, `HTTP status (error: ${JSON.stringify(res.error)})`)
  if (code !== undefined) assert.equal(res.error.code, code)
  if (message !== undefined) assert.match(res.error.message, message)
  assert.equal(res.data, null)
}
