-- ClaimCount: current claims counted by status, verdict and outlet_kinds.
-- PostgreSQL: statement-level triggers with transition tables, one upsert per
-- statement in key order; SQLite: row-level triggers.
-- Installed by claims/migrations/0017_derived_sql (claims.derived.install_triggers);
-- statements are separated by lines holding only --; and the file drops what it
-- creates first, so running it again is harmless.

DROP TRIGGER IF EXISTS claims_claimcount_insert ON claims_claim
--;
DROP TRIGGER IF EXISTS claims_claimcount_delete ON claims_claim
--;
DROP TRIGGER IF EXISTS claims_claimcount_update ON claims_claim
--;
DROP TRIGGER IF EXISTS claims_claimcount_truncate ON claims_claim
--;
DROP FUNCTION IF EXISTS claims_claimcount_insert()
--;
DROP FUNCTION IF EXISTS claims_claimcount_delete()
--;
DROP FUNCTION IF EXISTS claims_claimcount_update()
--;
DROP FUNCTION IF EXISTS claims_claimcount_truncate()
--;
CREATE FUNCTION claims_claimcount_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO claims_claimcount (status, verdict, outlet_kinds, n)
    SELECT status, verdict, outlet_kinds, count(*) FROM new_rows WHERE merged_into_id IS NULL
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (status, verdict, outlet_kinds) DO UPDATE SET n = claims_claimcount.n + EXCLUDED.n;
    RETURN NULL;
END $$
--;
CREATE FUNCTION claims_claimcount_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO claims_claimcount (status, verdict, outlet_kinds, n)
    SELECT status, verdict, outlet_kinds, -count(*) FROM old_rows WHERE merged_into_id IS NULL
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (status, verdict, outlet_kinds) DO UPDATE SET n = claims_claimcount.n + EXCLUDED.n;
    RETURN NULL;
END $$
--;
CREATE FUNCTION claims_claimcount_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO claims_claimcount (status, verdict, outlet_kinds, n)
    SELECT status, verdict, outlet_kinds, sum(d) FROM (
        SELECT status, verdict, outlet_kinds, 1 AS d FROM new_rows WHERE merged_into_id IS NULL
        UNION ALL
        SELECT status, verdict, outlet_kinds, -1 AS d FROM old_rows WHERE merged_into_id IS NULL
    ) AS changes
    GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (status, verdict, outlet_kinds) DO UPDATE SET n = claims_claimcount.n + EXCLUDED.n;
    RETURN NULL;
END $$
--;
CREATE FUNCTION claims_claimcount_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM claims_claimcount;
    RETURN NULL;
END $$
--;
CREATE TRIGGER claims_claimcount_insert AFTER INSERT ON claims_claim REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_claimcount_insert()
--;
CREATE TRIGGER claims_claimcount_delete AFTER DELETE ON claims_claim REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_claimcount_delete()
--;
CREATE TRIGGER claims_claimcount_update AFTER UPDATE ON claims_claim REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_claimcount_update()
--;
CREATE TRIGGER claims_claimcount_truncate AFTER TRUNCATE ON claims_claim FOR EACH STATEMENT EXECUTE FUNCTION claims_claimcount_truncate()
