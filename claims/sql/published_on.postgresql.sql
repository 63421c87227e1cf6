-- Attribution.published_on: a copy of its source's date. An attribution inserted,
-- or updated in its source or its copied date, takes its source's date; a source
-- whose date changes passes it to its attributions.
-- Installed by claims/migrations/0017_derived_sql (claims.derived.install_triggers);
-- statements are separated by lines holding only --; and the file drops what it
-- creates first, so running it again is harmless.

DROP TRIGGER IF EXISTS claims_attribution_published_on ON claims_attribution
--;
DROP TRIGGER IF EXISTS claims_source_published_on ON sources_source
--;
DROP FUNCTION IF EXISTS claims_attribution_published_on()
--;
DROP FUNCTION IF EXISTS claims_source_published_on()
--;
CREATE FUNCTION claims_attribution_published_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.published_on := (SELECT published_on FROM sources_source WHERE id = NEW.source_id);
    RETURN NEW;
END $$
--;
CREATE TRIGGER claims_attribution_published_on BEFORE INSERT OR UPDATE OF source_id, published_on ON claims_attribution FOR EACH ROW EXECUTE FUNCTION claims_attribution_published_on()
--;
CREATE FUNCTION claims_source_published_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE claims_attribution SET published_on = NEW.published_on
    WHERE source_id = NEW.id;
    RETURN NULL;
END $$
--;
CREATE TRIGGER claims_source_published_on AFTER UPDATE OF published_on ON sources_source FOR EACH ROW WHEN (OLD.published_on IS DISTINCT FROM NEW.published_on) EXECUTE FUNCTION claims_source_published_on()
