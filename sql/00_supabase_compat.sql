-- ============================================================================
-- 00  Supabase compatibility layer                               (bootstrap)
-- ============================================================================
-- Arcanea is written for Supabase: its policies call auth.uid(), its profiles
-- hang off auth.users, its files live in storage.objects, and PostgREST
-- switches between the anon / authenticated / service_role roles.
--
-- On a bare PostgreSQL we create what Supabase would have provided, with
-- Supabase's semantics, so the same extension runs on a developer's laptop
-- and in CI.  Inside a Supabase database every one of these objects already
-- exists and belongs to Supabase: we must not create, replace, alter or own
-- any of them (hosted Supabase even forbids creating functions in auth and
-- storage).  Hence every object below is created only when it is missing,
-- one object at a time, and never with CREATE OR REPLACE.
--
-- Objects created here on a bare database become members of the extension;
-- the tables among them are registered for pg_dump in 90_finalize.sql.
-- ============================================================================

-- Roles are cluster-wide and never members of an extension.  The attributes
-- are Supabase's (see supabase/postgres init scripts): the API roles cannot
-- log in, service_role bypasses RLS, authenticator logs in but does not
-- inherit, so PostgREST must SET ROLE to act as one of them.
DO $compat_roles$
BEGIN
    -- Supabase's statement timeouts for the API roles go with them: no
    -- request may hold a backend for long.  Roles that exist already are
    -- the operator's, settings included.
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN
        CREATE ROLE anon NOLOGIN;
        ALTER ROLE anon SET statement_timeout = '3s';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN
        CREATE ROLE authenticated NOLOGIN;
        ALTER ROLE authenticated SET statement_timeout = '8s';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'service_role') THEN
        CREATE ROLE service_role NOLOGIN BYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'authenticator') THEN
        CREATE ROLE authenticator LOGIN NOINHERIT;
        -- Membership only when we created the role: an operator's own
        -- authenticator is theirs to configure.
        GRANT anon, authenticated, service_role TO authenticator;
    END IF;
END
$compat_roles$;

-- ---------------------------------------------------------------------------
-- auth: the slice of GoTrue's schema that a database-side app touches.
-- ---------------------------------------------------------------------------
DO $compat_auth$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'auth') THEN
        CREATE SCHEMA auth;
        GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
    END IF;

    IF to_regclass('auth.users') IS NULL THEN
        -- Columns as GoTrue's migrations leave them (2024).  confirmed_at is a
        -- generated column there too: never insert into it.
        CREATE TABLE auth.users (
            instance_id                 uuid,
            id                          uuid NOT NULL PRIMARY KEY,
            aud                         varchar(255),
            role                        varchar(255),
            email                       varchar(255),
            encrypted_password          varchar(255),
            email_confirmed_at          timestamptz,
            invited_at                  timestamptz,
            confirmation_token          varchar(255),
            confirmation_sent_at        timestamptz,
            recovery_token              varchar(255),
            recovery_sent_at            timestamptz,
            email_change_token_new      varchar(255),
            email_change                varchar(255),
            email_change_sent_at        timestamptz,
            last_sign_in_at             timestamptz,
            raw_app_meta_data           jsonb,
            raw_user_meta_data          jsonb,
            is_super_admin              boolean,
            created_at                  timestamptz DEFAULT now(),
            updated_at                  timestamptz DEFAULT now(),
            phone                       text UNIQUE DEFAULT NULL,
            phone_confirmed_at          timestamptz,
            phone_change                text DEFAULT '',
            phone_change_token          varchar(255) DEFAULT '',
            phone_change_sent_at        timestamptz,
            confirmed_at                timestamptz
                GENERATED ALWAYS AS (LEAST(email_confirmed_at, phone_confirmed_at)) STORED,
            email_change_token_current  varchar(255) DEFAULT '',
            email_change_confirm_status smallint DEFAULT 0
                CHECK (email_change_confirm_status >= 0 AND email_change_confirm_status <= 2),
            banned_until                timestamptz,
            reauthentication_token      varchar(255) DEFAULT '',
            reauthentication_sent_at    timestamptz,
            is_sso_user                 boolean NOT NULL DEFAULT false,
            deleted_at                  timestamptz,
            is_anonymous                boolean NOT NULL DEFAULT false
        );
        CREATE UNIQUE INDEX users_email_partial_key ON auth.users (email) WHERE is_sso_user = false;
        -- Supabase enables RLS on auth.users with no policy: the API roles see nothing.
        ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY;
    END IF;

    -- The helpers read the legacy per-claim GUC first and PostgREST 12's JSON
    -- claims second, exactly as GoTrue's 20220224000811 migration defines them.
    IF to_regprocedure('auth.uid()') IS NULL THEN
        CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $fn$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim.sub', true), ''),
                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
            )::uuid
        $fn$;
    END IF;
    IF to_regprocedure('auth.role()') IS NULL THEN
        CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $fn$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim.role', true), ''),
                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
            )::text
        $fn$;
    END IF;
    IF to_regprocedure('auth.email()') IS NULL THEN
        CREATE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE AS $fn$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim.email', true), ''),
                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
            )::text
        $fn$;
    END IF;
    IF to_regprocedure('auth.jwt()') IS NULL THEN
        CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $fn$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim', true), ''),
                nullif(current_setting('request.jwt.claims', true), '')
            )::jsonb
        $fn$;
    END IF;
END
$compat_auth$;

-- ---------------------------------------------------------------------------
-- storage: buckets, objects and the path helpers that storage policies use.
-- ---------------------------------------------------------------------------
DO $compat_storage$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'storage') THEN
        CREATE SCHEMA storage;
        GRANT USAGE ON SCHEMA storage TO anon, authenticated, service_role;
    END IF;

    IF to_regtype('storage.buckettype') IS NULL THEN
        CREATE TYPE storage.buckettype AS ENUM ('STANDARD', 'ANALYTICS', 'VECTOR');
    END IF;

    IF to_regclass('storage.buckets') IS NULL THEN
        CREATE TABLE storage.buckets (
            id                 text NOT NULL PRIMARY KEY,
            name               text NOT NULL,
            owner              uuid,
            owner_id           text,
            created_at         timestamptz DEFAULT now(),
            updated_at         timestamptz DEFAULT now(),
            public             boolean DEFAULT false,
            avif_autodetection boolean DEFAULT false,
            file_size_limit    bigint,
            allowed_mime_types text[],
            type               storage.buckettype NOT NULL DEFAULT 'STANDARD'
        );
        CREATE UNIQUE INDEX bname ON storage.buckets (name);
        ALTER TABLE storage.buckets ENABLE ROW LEVEL SECURITY;
        -- Storage migration 0046: the API roles hold table privileges and RLS decides.
        GRANT ALL ON storage.buckets TO anon, authenticated, service_role;
    END IF;

    IF to_regclass('storage.objects') IS NULL THEN
        CREATE TABLE storage.objects (
            id               uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
            bucket_id        text REFERENCES storage.buckets (id),
            name             text,
            owner            uuid,
            owner_id         text,
            created_at       timestamptz DEFAULT now(),
            updated_at       timestamptz DEFAULT now(),
            last_accessed_at timestamptz DEFAULT now(),
            metadata         jsonb,
            path_tokens      text[] GENERATED ALWAYS AS (string_to_array(name, '/')) STORED,
            version          text,
            user_metadata    jsonb
        );
        CREATE UNIQUE INDEX bucketid_objname ON storage.objects (bucket_id, name);
        CREATE INDEX name_prefix_search ON storage.objects (name text_pattern_ops);
        ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;
        GRANT ALL ON storage.objects TO anon, authenticated, service_role;
    END IF;

    IF to_regprocedure('storage.foldername(text)') IS NULL THEN
        CREATE FUNCTION storage.foldername(name text) RETURNS text[]
        LANGUAGE plpgsql IMMUTABLE AS $fn$
        DECLARE
            _parts text[];
        BEGIN
            SELECT string_to_array(name, '/') INTO _parts;
            RETURN _parts[1 : array_length(_parts, 1) - 1];
        END
        $fn$;
    END IF;
    IF to_regprocedure('storage.filename(text)') IS NULL THEN
        CREATE FUNCTION storage.filename(name text) RETURNS text
        LANGUAGE plpgsql IMMUTABLE AS $fn$
        DECLARE
            _parts text[];
        BEGIN
            SELECT string_to_array(name, '/') INTO _parts;
            RETURN _parts[array_length(_parts, 1)];
        END
        $fn$;
    END IF;
    IF to_regprocedure('storage.extension(text)') IS NULL THEN
        CREATE FUNCTION storage.extension(name text) RETURNS text
        LANGUAGE plpgsql IMMUTABLE AS $fn$
        DECLARE
            _parts    text[];
            _filename text;
        BEGIN
            SELECT string_to_array(name, '/') INTO _parts;
            SELECT _parts[array_length(_parts, 1)] INTO _filename;
            RETURN reverse(split_part(reverse(_filename), '.', 1));
        END
        $fn$;
    END IF;
END
$compat_storage$;

-- ---------------------------------------------------------------------------
-- The extension's own internal schema.  PostgREST exposes only `public`, so
-- nothing here is reachable over HTTP; EXECUTE is granted function by
-- function in 90_finalize.sql.
-- ---------------------------------------------------------------------------
CREATE SCHEMA arcanea;
COMMENT ON SCHEMA arcanea IS
    'Arcanea internals: helpers, triggers, counters. Not exposed through PostgREST.';
