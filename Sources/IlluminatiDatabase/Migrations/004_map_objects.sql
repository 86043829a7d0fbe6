-- Map objects: outlines drawn on the map, one type per kind of object. `collect` owns the
-- static types Plates, Wells and Sites (created_by = 'illuminati') and replaces only those;
-- types made by other steps (segmentations) are never touched by this step.
-- Coordinates are map coordinates in base-level pixels: x to the right, y = −row, SRID 0.
--
-- PostGIS must be installable in the database (the embedded cluster has it; on a shared
-- server a superuser may have to run `CREATE EXTENSION postgis` once).
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE IF NOT EXISTS mapobject_types (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    experiment_id   bigint NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    name            text   NOT NULL CHECK (name ~ '^[A-Za-z][A-Za-z0-9_ -]{0,62}$'),
    ref_type        text,
    created_by      text   NOT NULL CHECK (length(created_by) BETWEEN 1 AND 64),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (experiment_id, name)
);

CREATE TABLE IF NOT EXISTS mapobjects (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mapobject_type_id   bigint NOT NULL REFERENCES mapobject_types (id) ON DELETE CASCADE,
    name                text   NOT NULL,
    plate               text,
    well                text,
    site_y              integer,
    site_x              integer,
    outline             geometry(Polygon, 0) NOT NULL,
    centroid            geometry(Point, 0)   NOT NULL,
    UNIQUE (mapobject_type_id, name),
    CONSTRAINT site_position_both_or_neither CHECK ((site_y IS NULL) = (site_x IS NULL)),
    CONSTRAINT outline_is_valid CHECK (ST_IsValid(outline))
);

-- "Which objects intersect this viewport" is one index scan.
CREATE INDEX IF NOT EXISTS mapobjects_outline ON mapobjects USING gist (outline);
CREATE INDEX IF NOT EXISTS mapobjects_type ON mapobjects (mapobject_type_id);
