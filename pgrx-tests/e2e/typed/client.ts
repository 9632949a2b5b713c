// The API as a TypeScript app uses it, typed by the generated
// types/database.ts (scripts/types.sh). Never run, only compiled:
// pgrx-tests/e2e/typed.test.mjs runs `tsc --noEmit --strict` over this folder
// and expects no error, then injects a typo into a copy and expects one.
// The calls are those of docs/api.md; `Equal` checks pin what the types infer.
import { createClient, type SupabaseClient } from '@supabase/supabase-js'

import type { CompositeTypes, Database, Tables, TablesInsert, TablesUpdate } from '../../../types/database'

// `const ok: Equal<typeof x, T> = true` compiles only when x's type is exactly T.
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false

export type Creation = Tables<'creations'>
export type NewCreation = TablesInsert<'creations'>
export type ProfileEdit = TablesUpdate<'profiles'>
export type PrivateEdit = TablesUpdate<'profile_private'>
export type SearchHit = CompositeTypes<'creation_search_result'>

// What toggle_like returns (jsonb, so the types say Json: the app names it).
export type LikeResult = { liked: boolean; like_count: number }

export function connect(url: string, anonKey: string, accessToken?: string): SupabaseClient<Database> {
  return createClient<Database>(url, anonKey, {
    auth: { persistSession: false },
    global: accessToken ? { headers: { Authorization: `Bearer ${accessToken}` } } : {},
  })
}

export async function browse(url: string, anonKey: string) {
  const supabase = createClient<Database>(url, anonKey)

  // Public columns of active profiles.
  const { data: people, error } = await supabase
    .from('profiles')
    .select('id,username,display_name,avatar_url,bio,follower_count')
    .order('follower_count', { ascending: false })
    .limit(10)
  if (error) throw new Error(`${error.code}: ${error.message}`)
  for (const p of people) {
    const name: string = p.display_name ?? p.username
    const followers: number = p.follower_count
    const bioNullable: Equal<typeof p.bio, string | null> = true
    console.log(name.trim(), followers + 1)
  }

  // Published creations with their author (the creations_user_id_fkey embed).
  const { data: creations } = await supabase
    .from('creations')
    .select('id,title,type,tags,like_count,published_at,profiles(username,avatar_url)')
    .eq('type', 'image')
    .contains('tags', ['dragon'])
    .gte('like_count', 1)
    .order('published_at', { ascending: false })
    .range(0, 19)
  for (const c of creations ?? []) {
    const idIsString: Equal<typeof c.id, string> = true
    const likeCountIsNumber: Equal<typeof c.like_count, number> = true
    const tagsAreStrings: Equal<typeof c.tags, string[]> = true
    const publishedAtNullable: Equal<typeof c.published_at, string | null> = true
    const author: string | undefined = c.profiles?.username
    console.log(c.title.toUpperCase(), c.tags.join(' '), author)
  }

  // One row: .single() makes data one object.
  const { data: one } = await supabase.from('creations').select('*').eq('id', '00000000-0000-0000-0000-000000000000').single()
  if (one) {
    const row: Creation = one
    const views: number = row.view_count
    console.log(views)
  }

  // search_creations: rows with real columns, so filters, select and order apply and are
  // typed. In TypeScript the filters come before .select() (after it, supabase-js 2.57's
  // types offer only order/limit/range...; at run time the order does not matter).
  const { data: hits, count } = await supabase
    .rpc('search_creations', { p_query: 'dragon', p_type: 'image', p_limit: 20 }, { get: true, count: 'exact' })
    .eq('type', 'image')
    .select('id,title,username,type,created_at,rank')
    .order('created_at', { ascending: false })
    .limit(2)
  const total: number | null = count
  for (const h of hits ?? []) {
    const usernameNullable: Equal<typeof h.username, string | null> = true
    const rankNullable: Equal<typeof h.rank, number | null> = true
    console.log(h.title ?? '(untitled)', h.username ?? 'someone', (h.rank ?? 0).toFixed(2), total)
  }

  // Without .select() the full composite row.
  const { data: all } = await supabase.rpc('search_creations', { p_query: 'sea' })
  const firstHit: SearchHit | undefined = all?.[0]
  console.log(firstHit?.display_name)

  const { data: views } = await supabase.rpc('increment_creation_views', { p_creation_id: '00000000-0000-0000-0000-000000000000' })
  const viewsCount: Equal<typeof views, number | null> = true
}

export async function create(url: string, anonKey: string, accessToken: string, userId: string) {
  const asUser = connect(url, anonKey, accessToken)

  // A draft through the table API, then published by RPC.
  const draft: NewCreation = { user_id: userId, title: 'Dragon over the sea', type: 'image', tags: ['dragon'] }
  const { data: created, error } = await asUser.from('creations').insert(draft).select('id,status').single()
  if (error) throw error
  const draftShape: Equal<typeof created, { id: string; status: string }> = true

  const { data: published } = await asUser.rpc('publish_creation', { p_creation_id: created.id })
  if (published) {
    const status: string = published.status
    const at: string | null = published.published_at
    console.log(status, at)
  }

  // Likes: toggle_like returns jsonb ({ liked, like_count }).
  const { data: like } = await asUser.rpc('toggle_like', { p_creation_id: created.id })
  const liked = like as LikeResult | null
  console.log(liked?.liked, liked?.like_count)

  // Comments and follows are plain inserts as yourself.
  await asUser.from('comments').insert({ user_id: userId, creation_id: created.id, content: 'Thanks @kai_sound!' })
  await asUser.rpc('follow_user', { p_following_id: '00000000-0000-0000-0000-000000000000' })

  // Presentation is public (profiles), onboarding private (profile_private).
  const edit: ProfileEdit = { display_name: 'Aria', bio: 'Painter of light' }
  await asUser.from('profiles').update(edit).eq('id', userId)
  const onboarding: PrivateEdit = { onboarding_step: 3, onboarding_completed: true, share_presence: true }
  await asUser.from('profile_private').update(onboarding).eq('id', userId)

  // Privacy: one's own data in one document, and followers' presence.
  const { data: exported } = await asUser.rpc('export_my_data')
  console.log(exported)
  const { data: seen } = await asUser.rpc('get_presence', { p_user_ids: [userId] }, { get: true })
  for (const p of seen ?? []) {
    const at: string | null = p.last_active_at
    console.log(p.user_id, at)
  }

  // A Luminor conversation: get_or_create_conversation returns the row.
  const { data: luminor } = await asUser.from('luminors').select('id,name,slug').eq('slug', 'lumina').single()
  if (!luminor) return
  const { data: conv } = await asUser.rpc('get_or_create_conversation', { p_luminor_id: luminor.id, p_session_id: 'web-1' })
  if (!conv) return
  const { data: message } = await asUser.rpc('add_message_to_conversation', { p_conversation_id: conv.id, p_content: 'Hello Lumina' })
  const role = message?.role
  const roleIsString: Equal<typeof role, string | undefined> = true

  // The feed pages by cursor.
  const page1 = await asUser.rpc('get_user_feed', { p_limit: 20 }, { get: true })
  const cursor = page1.data?.at(-1)?.cursor ?? undefined
  const page2 = await asUser.rpc('get_user_feed', { p_limit: 20, p_cursor: cursor }, { get: true })
  for (const item of page2.data ?? []) {
    const liked: boolean | null = item.user_has_liked
    console.log(item.title, item.username, liked)
  }

  // Notifications: read yours, mark them read.
  const { data: notes } = await asUser
    .from('notifications')
    .select('id,type,title,metadata,is_read')
    .order('created_at', { ascending: false })
  const first = notes?.[0]
  if (first && !first.is_read) {
    await asUser.from('notifications').update({ is_read: true }).eq('id', first.id)
    await asUser.rpc('mark_notification_read', { p_notification_id: first.id })
  }
}
