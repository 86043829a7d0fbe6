-- What the coordinator's phases (init, collect) logged: one row per run of a phase, with its
-- entries in order, so that `illuminati log EXP --phase init|collect` shows them as it shows
-- a run job's. Runs are kept (history per build); the newest of a phase is the one shown.
-- build_id names the build that init planned or that collect followed; the queue owns
-- builds, so it is not a foreign key here (a build's rows go with their experiment).
CREATE TABLE IF NOT EXISTS phase_logs (
    id            bigserial PRIMARY KEY,
    experiment_id bigint NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    phase         text NOT NULL CHECK (phase IN ('init', 'collect')),
    build_id      bigint CHECK (build_id IS NULL OR build_id > 0),
    succeeded     boolean NOT NULL,
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz NOT NULL CHECK (finished_at >= started_at),
    host          text NOT NULL CHECK (host <> ''),
    pid           integer NOT NULL CHECK (pid > 0),
    -- [{"seconds": since started_at, "level": "info" | "warning" | "error" | …, "message": …}, …]
    entries       jsonb NOT NULL CHECK (jsonb_typeof(entries) = 'array')
);

CREATE INDEX IF NOT EXISTS phase_logs_latest ON phase_logs (experiment_id, phase, id DESC);

-- The order in which the microscope visited a well's sites, read from their stage positions
-- when the manifest gave them (`experiment create` reports it, TissueMAPS' calc_stitch_layout):
-- one of TissueMAPS' four layouts, or 'none' for an order none of them gives. NULL when the
-- sites came from grid indices or an acquisition-order index.
ALTER TABLE wells
    ADD COLUMN IF NOT EXISTS stitch_layout text
        CHECK (stitch_layout IS NULL
               OR stitch_layout IN ('horizontal', 'zigzag_horizontal', 'vertical', 'zigzag_vertical', 'none'));
