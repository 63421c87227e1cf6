-- ClaimSearchDocument's copies of its claim's status, verdict, outlet kinds,
-- creation time and merged state: a document written takes its claim's values; a
-- claim whose values change passes them to its document. (SQLite has no such
-- copies: it searches its FTS5 table.)
-- Installed by claims/migrations/0017_derived_sql (claims.derived.install_triggers);
-- statements are separated by lines holding only --; and the file drops what it
-- creates first, so running it again is harmless.

DROP TRIGGER IF EXISTS claims_search_document_copies ON claims_claimsearchdocument
--;
DROP TRIGGER IF EXISTS claims_claim_search_document ON claims_claim
--;
DROP FUNCTION IF EXISTS claims_search_document_copies()
--;
DROP FUNCTION IF EXISTS claims_claim_search_document()
--;
CREATE FUNCTION claims_search_document_copies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT status, verdict, outlet_kinds, created_at, merged_into_id IS NULL
    INTO NEW.status, NEW.verdict, NEW.outlet_kinds, NEW.created_at, NEW.current
    FROM claims_claim WHERE id = NEW.claim_id;
    RETURN NEW;
END $$
--;
CREATE TRIGGER claims_search_document_copies BEFORE INSERT OR UPDATE OF claim_id, status, verdict, outlet_kinds, created_at, current ON claims_claimsearchdocument FOR EACH ROW EXECUTE FUNCTION claims_search_document_copies()
--;
CREATE FUNCTION claims_claim_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE claims_claimsearchdocument
    SET status = NEW.status, verdict = NEW.verdict, outlet_kinds = NEW.outlet_kinds,
        created_at = NEW.created_at, current = NEW.merged_into_id IS NULL
    WHERE claim_id = NEW.id;
    RETURN NULL;
END $$
--;
CREATE TRIGGER claims_claim_search_document AFTER UPDATE OF status, verdict, outlet_kinds, created_at, merged_into_id ON claims_claim FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.verdict IS DISTINCT FROM NEW.verdict OR OLD.outlet_kinds IS DISTINCT FROM NEW.outlet_kinds OR OLD.created_at IS DISTINCT FROM NEW.created_at OR (OLD.merged_into_id IS NULL) <> (NEW.merged_into_id IS NULL)) EXECUTE FUNCTION claims_claim_search_document()
