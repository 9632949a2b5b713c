-- ============================================================================
-- 35  Rules the table API keeps as the RPCs do
--                                   (requires: counters, is_reserved_username)
-- ============================================================================
-- supabase-js writes tables directly, so a rule an RPC enforces in Rust is
-- also enforced here, with the same error, or the table API would be the
-- way around it.
-- ============================================================================

-- Whether the request runs as a trusted role: the service role (BYPASSRLS)
-- or a superuser in psql.  PostgREST's role is the `role` setting, which a
-- SECURITY DEFINER function does not change.  The table rules below and
-- the triggers ask here; the statements Rust keeps for every call (who is
-- calling, src/queries/identity/caller.sql, and the rate-limit spend of
-- every like, follow, comment and message, src/queries/limits/spend.sql)
-- write this expression out, which a test holds to this body (a call costs
-- those statements 7-14 us more).  PL/pgSQL, whose plan the session keeps: a
-- SQL function with a sub-select is never inlined and was planned again at
-- every call (90 us of a like's 0.9 ms on the scale-1 benchmark data).  No
-- SET clause (it would cost a setting save and restore per call): every
-- name is qualified, and only the extension owner may execute it.
CREATE FUNCTION arcanea.caller_is_trusted() RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN coalesce((SELECT r.rolsuper OR r.rolbypassrls
                       FROM pg_catalog.pg_roles r
                      WHERE r.rolname = coalesce(nullif(pg_catalog.current_setting('role'), 'none'),
                                                 pg_catalog.session_user())), false);
END
$$;

-- ---------------------------------------------------------------------------
-- Inactive or private Luminors are closed everywhere: no new conversation
-- with one and no new message in a conversation with one, whoever writes
-- it; get_or_create_conversation refuses the same way (PT404, HTTP 404, as
-- for a Luminor that does not exist: its existence is not the caller's
-- business).
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.require_available_luminor() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    available boolean;
BEGIN
    IF TG_TABLE_NAME = 'luminor_conversations' THEN
        SELECT l.is_active AND l.is_public INTO available
          FROM public.luminors l WHERE l.id = NEW.luminor_id;
    ELSE
        SELECT l.is_active AND l.is_public INTO available
          FROM public.luminor_conversations c JOIN public.luminors l ON l.id = c.luminor_id
         WHERE c.id = NEW.conversation_id;
    END IF;
    -- No conversation at all is the foreign key's error to report.
    IF available IS FALSE OR (available IS NULL AND TG_TABLE_NAME = 'luminor_conversations') THEN
        RAISE EXCEPTION 'luminor not found' USING ERRCODE = 'PT404';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER luminor_conversations_require_available_luminor
    BEFORE INSERT OR UPDATE OF luminor_id ON public.luminor_conversations
    FOR EACH ROW EXECUTE FUNCTION arcanea.require_available_luminor();
CREATE TRIGGER luminor_messages_require_available_luminor
    BEFORE INSERT ON public.luminor_messages
    FOR EACH ROW EXECUTE FUNCTION arcanea.require_available_luminor();

-- ---------------------------------------------------------------------------
-- Usernames that would pass for the service or one of its Luminors
-- (domain::username::is_reserved holds the list) are refused when a user
-- picks one; a sign-up that asks for one gets a generated name instead
-- (handle_new_user), and the service role may still name its own accounts.
-- Names taken before this rule existed stay as they are.
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.profiles_refuse_reserved_username() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.username IS DISTINCT FROM OLD.username
       AND arcanea.is_reserved_username(NEW.username,
                                        ARRAY(SELECT l.name FROM public.luminors l
                                              UNION ALL SELECT l.slug FROM public.luminors l))
       AND NOT arcanea.caller_is_trusted() THEN
        RAISE EXCEPTION 'username "%" is reserved', NEW.username
            USING ERRCODE = 'check_violation', HINT = 'Choose another username.',
                  TABLE = 'profiles', COLUMN = 'username';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER profiles_refuse_reserved_username BEFORE UPDATE OF username ON public.profiles
    FOR EACH ROW EXECUTE FUNCTION arcanea.profiles_refuse_reserved_username();
