-- Member search ("ilike '%gar%'" on names, email, phone, card number and PMS id) by trigram
-- indexes, so a few letters find members without reading the practice's every row. pg_trgm is
-- a trusted contrib extension on PostgreSQL and is loaded by the embedded PGlite; where it is
-- not available the search still works, unindexed.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX IF NOT EXISTS members_first_name_trgm_idx ON members USING gin (first_name gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS members_last_name_trgm_idx ON members USING gin (last_name gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS members_email_trgm_idx ON members USING gin (email gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS members_phone_trgm_idx ON members USING gin (phone gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS members_card_number_trgm_idx ON members USING gin (card_number gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS members_external_id_trgm_idx ON members USING gin (external_id gin_trgm_ops);
  END IF;
END
$$;
