-- ClaimCount: current claims counted by status, verdict and outlet_kinds.
-- PostgreSQL: statement-level triggers with transition tables, one upsert per
-- statement in key order; SQLite: row-level triggers.
-- Installed by claims/migrations/0017_derived_sql (claims.derived.install_triggers);
-- statements are separated by lines holding only --; and the file drops what it
-- creates first, so running it again is harmless.

DROP TRIGGER IF EXISTS claims_claimcount_insert
--;
DROP TRIGGER IF EXISTS claims_claimcount_delete
--;
DROP TRIGGER IF EXISTS claims_claimcount_update
--;
CREATE TRIGGER claims_claimcount_insert AFTER INSERT ON claims_claim BEGIN INSERT INTO claims_claimcount (status, verdict, outlet_kinds, n) SELECT NEW.status, NEW.verdict, NEW.outlet_kinds, 1 WHERE NEW.merged_into_id IS NULL ON CONFLICT (status, verdict, outlet_kinds) DO UPDATE SET n = n + 1; END
--;
CREATE TRIGGER claims_claimcount_delete AFTER DELETE ON claims_claim BEGIN UPDATE claims_claimcount SET n = n - 1 WHERE OLD.merged_into_id IS NULL AND status = OLD.status AND verdict = OLD.verdict AND outlet_kinds = OLD.outlet_kinds; END
--;
CREATE TRIGGER claims_claimcount_update AFTER UPDATE OF status, verdict, outlet_kinds, merged_into_id ON claims_claim WHEN OLD.status IS NOT NEW.status OR OLD.verdict IS NOT NEW.verdict OR OLD.outlet_kinds IS NOT NEW.outlet_kinds OR (OLD.merged_into_id IS NULL) IS NOT (NEW.merged_into_id IS NULL) BEGIN UPDATE claims_claimcount SET n = n - 1 WHERE OLD.merged_into_id IS NULL AND status = OLD.status AND verdict = OLD.verdict AND outlet_kinds = OLD.outlet_kinds; INSERT INTO claims_claimcount (status, verdict, outlet_kinds, n) SELECT NEW.status, NEW.verdict, NEW.outlet_kinds, 1 WHERE NEW.merged_into_id IS NULL ON CONFLICT (status, verdict, outlet_kinds) DO UPDATE SET n = n + 1; END
