-- The experiment model: plates → wells → sites, channels, cycles, the 2-D image files
-- (one per site × channel × cycle × tpoint × zplane), per-site per-cycle shifts, and the
-- channel layers (one pyramid each). Rows are written once by `experiment create`; every
-- child row is removed with its experiment.

CREATE TABLE IF NOT EXISTS experiments (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text        NOT NULL UNIQUE
                    CONSTRAINT experiment_name_is_safe CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    plate_format    integer     NOT NULL CHECK (plate_format IN (1, 96, 384)),
    site_height     integer     NOT NULL CHECK (site_height > 0),
    site_width      integer     NOT NULL CHECK (site_width > 0),
    bit_depth       integer     NOT NULL CHECK (bit_depth BETWEEN 1 AND 16),
    tile_size       integer     NOT NULL DEFAULT 256 CHECK (tile_size > 0),
    zoom_factor     integer     NOT NULL DEFAULT 2 CHECK (zoom_factor = 2),
    well_spacer     integer     NOT NULL DEFAULT 500 CHECK (well_spacer >= 0),
    plate_spacer    integer     NOT NULL DEFAULT 1000 CHECK (plate_spacer >= 0),
    vertical_site_displacement   integer NOT NULL DEFAULT 0,
    horizontal_site_displacement integer NOT NULL DEFAULT 0,
    pyramid_height  integer     NOT NULL CHECK (pyramid_height > 0),
    pyramid_width   integer     NOT NULL CHECK (pyramid_width > 0),
    pyramid_depth   integer     NOT NULL CHECK (pyramid_depth >= 2),
    manifest_path   text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- ordinal = placement order in the plate grid (column-major), from the manifest's order.
CREATE TABLE IF NOT EXISTS plates (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    experiment_id   bigint  NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    ordinal         integer NOT NULL CHECK (ordinal >= 0),
    name            text    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    UNIQUE (experiment_id, name),
    UNIQUE (experiment_id, ordinal)
);

-- The row/column are the well name's letter and number, zero-based (A01 → 0, 0).
CREATE TABLE IF NOT EXISTS wells (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plate_id        bigint  NOT NULL REFERENCES plates (id) ON DELETE CASCADE,
    name            text    NOT NULL CHECK (name ~ '^[A-P](0[1-9]|1[0-9]|2[0-4])$'),
    row             integer NOT NULL,
    col             integer NOT NULL,
    CONSTRAINT well_position_matches_name
        CHECK (row = ascii(substr(name, 1, 1)) - 65 AND col = substr(name, 2)::integer - 1),
    UNIQUE (plate_id, name)
);

-- y/x: zero-based position in the well's site grid; stage positions are kept when the
-- manifest gave them (both or neither). Residues are written by alignment.
CREATE TABLE IF NOT EXISTS sites (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    well_id         bigint  NOT NULL REFERENCES wells (id) ON DELETE CASCADE,
    y               integer NOT NULL CHECK (y >= 0),
    x               integer NOT NULL CHECK (x >= 0),
    stage_y         double precision,
    stage_x         double precision,
    top_residue     integer NOT NULL DEFAULT 0 CHECK (top_residue >= 0),
    bottom_residue  integer NOT NULL DEFAULT 0 CHECK (bottom_residue >= 0),
    left_residue    integer NOT NULL DEFAULT 0 CHECK (left_residue >= 0),
    right_residue   integer NOT NULL DEFAULT 0 CHECK (right_residue >= 0),
    CONSTRAINT stage_position_complete CHECK ((stage_y IS NULL) = (stage_x IS NULL)),
    UNIQUE (well_id, y, x)
);

CREATE TABLE IF NOT EXISTS channels (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    experiment_id   bigint  NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    ordinal         integer NOT NULL CHECK (ordinal >= 0),
    name            text    NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$'),
    bit_depth       integer NOT NULL CHECK (bit_depth BETWEEN 1 AND 16),
    UNIQUE (experiment_id, name),
    UNIQUE (experiment_id, ordinal),
    UNIQUE (id, experiment_id)
);

CREATE TABLE IF NOT EXISTS cycles (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    experiment_id   bigint  NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    index           integer NOT NULL CHECK (index >= 0),
    UNIQUE (experiment_id, index),
    UNIQUE (id, experiment_id)
);

-- One 2-D plane per file. The composite keys keep a file's channel and cycle inside its
-- own experiment.
CREATE TABLE IF NOT EXISTS image_files (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    experiment_id   bigint  NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    site_id         bigint  NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    channel_id      bigint  NOT NULL,
    cycle_id        bigint  NOT NULL,
    tpoint          integer NOT NULL CHECK (tpoint >= 0),
    zplane          integer NOT NULL CHECK (zplane >= 0),
    path            text    NOT NULL CHECK (path LIKE '/%'),
    manifest_line   integer NOT NULL CHECK (manifest_line > 0),
    FOREIGN KEY (channel_id, experiment_id) REFERENCES channels (id, experiment_id) ON DELETE CASCADE,
    FOREIGN KEY (cycle_id, experiment_id) REFERENCES cycles (id, experiment_id) ON DELETE CASCADE,
    UNIQUE (site_id, channel_id, cycle_id, tpoint, zplane)
);
CREATE INDEX IF NOT EXISTS image_files_experiment ON image_files (experiment_id);
CREATE INDEX IF NOT EXISTS image_files_channel ON image_files (channel_id, experiment_id);
CREATE INDEX IF NOT EXISTS image_files_cycle ON image_files (cycle_id, experiment_id);

-- Shift of a site's images in one cycle, in pixels: the image shows scene(r + y, c + x).
CREATE TABLE IF NOT EXISTS site_shifts (
    site_id         bigint  NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    cycle_id        bigint  NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    y               integer NOT NULL,
    x               integer NOT NULL,
    PRIMARY KEY (site_id, cycle_id)
);
CREATE INDEX IF NOT EXISTS site_shifts_cycle ON site_shifts (cycle_id);

-- One pyramid per channel × cycle × tpoint × zplane. Clip values are decided when a build
-- is planned; both or neither are set.
CREATE TABLE IF NOT EXISTS channel_layers (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    experiment_id   bigint  NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    channel_id      bigint  NOT NULL,
    cycle_id        bigint  NOT NULL,
    tpoint          integer NOT NULL CHECK (tpoint >= 0),
    zplane          integer NOT NULL CHECK (zplane >= 0),
    name            text    NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$'),
    min_intensity   integer,
    max_intensity   integer,
    CONSTRAINT clip_values_complete CHECK ((min_intensity IS NULL) = (max_intensity IS NULL)),
    CONSTRAINT clip_values_ordered CHECK (min_intensity < max_intensity),
    FOREIGN KEY (channel_id, experiment_id) REFERENCES channels (id, experiment_id) ON DELETE CASCADE,
    FOREIGN KEY (cycle_id, experiment_id) REFERENCES cycles (id, experiment_id) ON DELETE CASCADE,
    UNIQUE (channel_id, cycle_id, tpoint, zplane),
    UNIQUE (experiment_id, name)
);
CREATE INDEX IF NOT EXISTS channel_layers_cycle ON channel_layers (cycle_id, experiment_id);
