-- Round 3, the database owner's look-alikes in a normal install (the schema
-- listguard is the extension's): functions that would catch listguard.email
-- values by name through other shapes of argument: VARIADIC email[], a
-- domain over email (and VARIADIC of it), a procedure, a defaulted argument,
-- an OUT argument; a composite wrapping email (no value reaches it).
-- Expected secure outcome: each that a value could reach is refused.
-- RESULT: held (the composite is allowed: no query passes one).
-- Run: psql -X -U postgres -d atk -f 34_lookalike_guard_shapes.sql
\set ON_ERROR_STOP 0
\c - a_dbo
CREATE FUNCTION public.concat(VARIADIC listguard.email[]) RETURNS text LANGUAGE sql AS 'SELECT 1::text';
CREATE DOMAIN public.em AS listguard.email;
CREATE FUNCTION public.concat(VARIADIC public.em[]) RETURNS text LANGUAGE sql AS 'SELECT 1::text';
CREATE PROCEDURE public.p1(listguard.email) LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION public.f2(a text, b listguard.email DEFAULT NULL) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION public.f4(OUT listguard.email) LANGUAGE sql AS 'SELECT NULL::listguard.email';
CREATE TYPE public.wrap AS (e listguard.email);
CREATE FUNCTION public.concat(public.wrap) RETURNS text LANGUAGE sql AS 'SELECT 1::text';
DROP FUNCTION IF EXISTS public.concat(public.wrap); DROP TYPE IF EXISTS public.wrap; DROP DOMAIN IF EXISTS public.em;
