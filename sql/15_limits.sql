-- ============================================================================
-- 15  Limits: how much a client may write into each column   (requires: tables)
-- ============================================================================
-- Every text, jsonb and array column that anyone but the database writes
-- has an upper bound here, and only here: in characters for text (and
-- elements) and in bytes of its text form for jsonb (a byte bound cannot
-- be dodged by a payload that compresses well).  Going over one is
-- SQLSTATE 23514 naming the constraint, and so the table and the column
-- ("violates check constraint "creations_metadata_size""), and nothing is
-- written.  PostgREST answers 400.
--
-- docs/api.md#limits lists them; pgrx-tests/shell/docs_api.sh checks that
-- list against the catalog.
-- ============================================================================

-- Every element of a text array present, not blank, and at most max_chars
-- characters.  (A CHECK constraint may call an immutable function; it may
-- not hold a sub-query.)  PL/pgSQL, not SQL: a SQL function with an
-- aggregate is planned again at every statement that checks the
-- constraint, and every update of a creation checks it (a like's counter
-- update too): 21 us a call as SQL, measured on the benchmark data.
CREATE FUNCTION arcanea.texts_within(elements text[], max_chars integer) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    e text;
BEGIN
    FOREACH e IN ARRAY coalesce(elements, '{}') LOOP
        IF e IS NULL OR e !~ '\S' OR char_length(e) > max_chars THEN
            RETURN false;
        END IF;
    END LOOP;
    RETURN true;
END
$$;

ALTER TABLE public.profiles
    ADD CONSTRAINT profiles_display_name_length CHECK (char_length(display_name) <= 100),
    ADD CONSTRAINT profiles_avatar_url_length CHECK (char_length(avatar_url) <= 2048),
    ADD CONSTRAINT profiles_bio_length CHECK (char_length(bio) <= 500),
    ADD CONSTRAINT profiles_stripe_customer_id_length CHECK (char_length(stripe_customer_id) <= 255),
    ADD CONSTRAINT profiles_stripe_subscription_id_length CHECK (char_length(stripe_subscription_id) <= 255);

ALTER TABLE public.profile_private
    ADD CONSTRAINT profile_private_preferences_size CHECK (octet_length(preferences::text) <= 8192);

ALTER TABLE public.luminors
    ADD CONSTRAINT luminors_name_length CHECK (char_length(name) BETWEEN 1 AND 100),
    ADD CONSTRAINT luminors_title_length CHECK (char_length(title) <= 200),
    ADD CONSTRAINT luminors_specialty_length CHECK (char_length(specialty) <= 200),
    ADD CONSTRAINT luminors_system_prompt_length CHECK (char_length(system_prompt) <= 32000),
    ADD CONSTRAINT luminors_greeting_length CHECK (char_length(greeting_message) <= 4000),
    ADD CONSTRAINT luminors_avatar_url_length CHECK (char_length(avatar_url) <= 2048),
    ADD CONSTRAINT luminors_icon_length CHECK (char_length(icon) <= 100),
    ADD CONSTRAINT luminors_personality_size CHECK (octet_length(personality::text) <= 8192),
    ADD CONSTRAINT luminors_expertise_limit CHECK (cardinality(expertise) <= 30 AND arcanea.texts_within(expertise, 100)),
    ADD CONSTRAINT luminors_ai_tools_limit CHECK (cardinality(ai_tools) <= 30 AND arcanea.texts_within(ai_tools, 100));

ALTER TABLE public.luminor_conversations
    ADD CONSTRAINT luminor_conversations_title_length CHECK (char_length(title) <= 200),
    ADD CONSTRAINT luminor_conversations_session_id_length CHECK (char_length(session_id) <= 200),
    ADD CONSTRAINT luminor_conversations_context_size CHECK (octet_length(context::text) <= 16384);

-- No BETWEEN beside another condition here: a month's partition restored
-- from pg_dump carries the constraint as ruleutils prints it, and
-- "x BETWEEN a AND b AND y" parses back to a differently nested AND, which
-- ATTACH PARTITION rejects as a different definition.
ALTER TABLE public.luminor_messages
    ADD CONSTRAINT luminor_messages_content_length
        CHECK (char_length(content) >= 1 AND char_length(content) <= 32000 AND content ~ '\S'),
    ADD CONSTRAINT luminor_messages_model_length CHECK (char_length(model) <= 200);

ALTER TABLE public.luminor_relationships
    ADD CONSTRAINT luminor_relationships_user_preferences_size CHECK (octet_length(user_preferences::text) <= 8192),
    ADD CONSTRAINT luminor_relationships_personality_match_size CHECK (octet_length(personality_match::text) <= 8192);

ALTER TABLE public.creations
    ADD CONSTRAINT creations_title_length CHECK (char_length(title) BETWEEN 1 AND 200 AND title ~ '\S'),
    ADD CONSTRAINT creations_description_length CHECK (char_length(description) <= 5000),
    ADD CONSTRAINT creations_file_url_length CHECK (char_length(file_url) <= 2048),
    ADD CONSTRAINT creations_thumbnail_url_length CHECK (char_length(thumbnail_url) <= 2048),
    ADD CONSTRAINT creations_file_format_length CHECK (char_length(file_format) <= 20),
    ADD CONSTRAINT creations_ai_tool_length CHECK (char_length(ai_tool) <= 100),
    ADD CONSTRAINT creations_prompt_length CHECK (char_length(prompt) <= 10000),
    ADD CONSTRAINT creations_model_length CHECK (char_length(model) <= 200),
    ADD CONSTRAINT creations_license_length CHECK (char_length(license) <= 100),
    ADD CONSTRAINT creations_tags_limit CHECK (cardinality(tags) <= 30),
    ADD CONSTRAINT creations_categories_limit CHECK (cardinality(categories) <= 10),
    ADD CONSTRAINT creations_generation_params_size CHECK (octet_length(generation_params::text) <= 16384),
    ADD CONSTRAINT creations_metadata_size CHECK (octet_length(metadata::text) <= 16384),
    ADD CONSTRAINT creations_tags_element_length CHECK (arcanea.texts_within(tags, 50)),
    ADD CONSTRAINT creations_categories_element_length CHECK (arcanea.texts_within(categories, 50));

ALTER TABLE public.comments
    ADD CONSTRAINT comments_content_length CHECK (char_length(content) BETWEEN 1 AND 5000 AND content ~ '\S');

ALTER TABLE public.notifications
    ADD CONSTRAINT notifications_title_length CHECK (char_length(title) BETWEEN 1 AND 200),
    ADD CONSTRAINT notifications_message_length CHECK (char_length(message) <= 2000),
    ADD CONSTRAINT notifications_action_url_length CHECK (char_length(action_url) <= 2048),
    ADD CONSTRAINT notifications_metadata_size CHECK (octet_length(metadata::text) <= 8192);
