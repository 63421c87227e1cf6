-- Attribution.published_on: a copy of its source's date. An attribution inserted,
-- or updated in its source or its copied date, takes its source's date; a source
-- whose date changes passes it to its attributions.
-- Installed by claims/migrations/0017_derived_sql (claims.derived.install_triggers);
-- statements are separated by lines holding only --; and the file drops what it
-- creates first, so running it again is harmless.

DROP TRIGGER IF EXISTS claims_attribution_published_on_insert
--;
DROP TRIGGER IF EXISTS claims_attribution_published_on_update
--;
DROP TRIGGER IF EXISTS claims_source_published_on
--;
CREATE TRIGGER claims_attribution_published_on_insert AFTER INSERT ON claims_attribution WHEN NEW.published_on IS NOT (SELECT published_on FROM sources_source WHERE id = NEW.source_id) BEGIN UPDATE claims_attribution SET published_on = (SELECT published_on FROM sources_source WHERE id = NEW.source_id) WHERE id = NEW.id; END
--;
CREATE TRIGGER claims_attribution_published_on_update AFTER UPDATE OF source_id, published_on ON claims_attribution WHEN NEW.published_on IS NOT (SELECT published_on FROM sources_source WHERE id = NEW.source_id) BEGIN UPDATE claims_attribution SET published_on = (SELECT published_on FROM sources_source WHERE id = NEW.source_id) WHERE id = NEW.id; END
--;
CREATE TRIGGER claims_source_published_on AFTER UPDATE OF published_on ON sources_source WHEN OLD.published_on IS NOT NEW.published_on BEGIN UPDATE claims_attribution SET published_on = NEW.published_on WHERE source_id = NEW.id; END
