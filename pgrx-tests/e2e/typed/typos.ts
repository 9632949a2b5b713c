// Deliberate mistakes, each on the line after a `// @ts-expect-error`: tsc
// fails ("Unused '@ts-expect-error' directive") if one of them stops being a
// type error, so compiling this file proves that the generated types catch
// these typos. Never run, only compiled (pgrx-tests/e2e/typed.test.mjs).
//
// Not caught by supabase-js 2.57's types, so not here: a misspelled column in
// a filter or an order (`.eq('titel', x)`, `.order('titel')` compile: the
// column is any string there). A misspelled column inside a `.select('...')`
// string compiles too, but makes the result a SelectQueryError, so the first
// use of the result fails (below).
import { createClient } from '@supabase/supabase-js'

import type { Database, TablesInsert } from '../../../types/database'

const supabase = createClient<Database>('http://127.0.0.1:54321', 'anon-key')
const id = '00000000-0000-0000-0000-000000000000'

export async function typos() {
  // A misspelled RPC argument.
  // @ts-expect-error p_creatoin_id is not an argument of toggle_like
  await supabase.rpc('toggle_like', { p_creatoin_id: id })

  // A misspelled RPC name.
  // @ts-expect-error there is no function toggle_likes
  await supabase.rpc('toggle_likes', { p_creation_id: id })

  // A wrong argument type.
  // @ts-expect-error p_limit is an integer
  await supabase.rpc('search_creations', { p_query: 'dragon', p_limit: '20' })

  // A misspelled table.
  // @ts-expect-error there is no table creation
  await supabase.from('creation').select('id')

  // A misspelled column in an insert, and in an update.
  // @ts-expect-error titel is not a column of creations
  await supabase.from('creations').insert({ user_id: id, titel: 'Dragon', type: 'image' })
  // @ts-expect-error display_nmae is not a column of profiles
  await supabase.from('profiles').update({ display_nmae: 'Aria' }).eq('id', id)

  // A missing required column in an insert (title has no default).
  // @ts-expect-error title is required
  const draft: TablesInsert<'creations'> = { user_id: id, type: 'image' }
  void draft

  // A filter value of the wrong type for its column.
  // @ts-expect-error like_count is a number
  await supabase.from('creations').select('id').eq('like_count', 'ten')

  // A field that was not selected, or is misspelled, on the typed result.
  const { data: rows } = await supabase.from('creations').select('id,title').limit(1)
  // @ts-expect-error like_count was not selected
  console.log(rows?.[0].like_count)
  // @ts-expect-error titel is not a field (title is)
  console.log(rows?.[0].titel)

  // A misspelled column in .select(): the whole result is a SelectQueryError
  // ("column 'titel' does not exist on 'creations'."), so any use of it fails.
  const { data: bad } = await supabase.from('creations').select('id,titel').single()
  // @ts-expect-error the select names titel, which creations does not have
  console.log(bad?.id)

  // A misspelled field of an RPC's typed rows.
  const { data: hits } = await supabase.rpc('search_creations', { p_query: 'dragon' })
  // @ts-expect-error the search rows have username, not user_name
  console.log(hits?.[0].user_name)

  // A nullable column used as if it could not be null (display_name is text, nullable).
  const { data: me } = await supabase.from('profiles').select('display_name').eq('id', id).single()
  if (me) {
    // @ts-expect-error display_name may be null
    const shown: string = me.display_name
    void shown
  }
}
