-- Experiments and their model. Bulk inserts take parallel arrays and unnest them, so an
-- experiment of any size is written in a fixed number of statements.

-- name: ExperimentInsert :one
-- params: name String, plate_format Int, site_height Int, site_width Int, bit_depth Int, tile_size Int
-- params: zoom_factor Int, well_spacer Int, plate_spacer Int, vertical_site_displacement Int
-- params: horizontal_site_displacement Int, pyramid_height Int, pyramid_width Int, pyramid_depth Int
-- params: manifest_path String
-- returns: id Int64
INSERT INTO experiments (name, plate_format, site_height, site_width, bit_depth, tile_size,
                         zoom_factor, well_spacer, plate_spacer, vertical_site_displacement,
                         horizontal_site_displacement, pyramid_height, pyramid_width,
                         pyramid_depth, manifest_path)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
RETURNING id;

-- name: PlatesInsert :many
-- params: experiment_id Int64, ordinals [Int], names [String]
-- returns: id Int64, ordinal Int
INSERT INTO plates (experiment_id, ordinal, name)
SELECT $1, p.ordinal, p.name FROM unnest($2::integer[], $3::text[]) AS p (ordinal, name)
RETURNING id, ordinal;

-- name: WellsInsert :many
-- params: plate_ids [Int64], names [String], rows [Int], columns [Int]
-- returns: id Int64, plate_id Int64, name String
INSERT INTO wells (plate_id, name, row, col)
SELECT w.plate_id, w.name, w.row, w.col
FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::integer[]) AS w (plate_id, name, row, col)
RETURNING id, plate_id, name;

-- name: SitesInsert :many
-- params: well_ids [Int64], ys [Int], xs [Int], stage_ys [Double?], stage_xs [Double?]
-- returns: id Int64, well_id Int64, y Int, x Int
INSERT INTO sites (well_id, y, x, stage_y, stage_x)
SELECT s.well_id, s.y, s.x, s.stage_y, s.stage_x
FROM unnest($1::bigint[], $2::integer[], $3::integer[], $4::double precision[], $5::double precision[])
     AS s (well_id, y, x, stage_y, stage_x)
RETURNING id, well_id, y, x;

-- name: ChannelsInsert :many
-- params: experiment_id Int64, ordinals [Int], names [String], bit_depths [Int]
-- returns: id Int64, ordinal Int
INSERT INTO channels (experiment_id, ordinal, name, bit_depth)
SELECT $1, c.ordinal, c.name, c.bit_depth
FROM unnest($2::integer[], $3::text[], $4::integer[]) AS c (ordinal, name, bit_depth)
RETURNING id, ordinal;

-- name: CyclesInsert :many
-- params: experiment_id Int64, indexes [Int]
-- returns: id Int64, index Int
INSERT INTO cycles (experiment_id, index)
SELECT $1, c.index FROM unnest($2::integer[]) AS c (index)
RETURNING id, index;

-- name: ImageFilesInsert :exec
-- params: experiment_id Int64, site_ids [Int64], channel_ids [Int64], cycle_ids [Int64], tpoints [Int]
-- params: zplanes [Int], paths [String], manifest_lines [Int]
INSERT INTO image_files (experiment_id, site_id, channel_id, cycle_id, tpoint, zplane, path, manifest_line)
SELECT $1, f.site_id, f.channel_id, f.cycle_id, f.tpoint, f.zplane, f.path, f.manifest_line
FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::integer[], $6::integer[], $7::text[], $8::integer[])
     AS f (site_id, channel_id, cycle_id, tpoint, zplane, path, manifest_line);

-- name: SiteShiftsInsert :exec
-- params: site_ids [Int64], cycle_ids [Int64], ys [Int], xs [Int]
INSERT INTO site_shifts (site_id, cycle_id, y, x)
SELECT s.site_id, s.cycle_id, s.y, s.x
FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::integer[]) AS s (site_id, cycle_id, y, x);

-- name: ChannelLayersInsert :exec
-- params: experiment_id Int64, channel_ids [Int64], cycle_ids [Int64], tpoints [Int], zplanes [Int], names [String]
INSERT INTO channel_layers (experiment_id, channel_id, cycle_id, tpoint, zplane, name)
SELECT $1, l.channel_id, l.cycle_id, l.tpoint, l.zplane, l.name
FROM unnest($2::bigint[], $3::bigint[], $4::integer[], $5::integer[], $6::text[])
     AS l (channel_id, cycle_id, tpoint, zplane, name);

-- name: ChannelLayerWindowsSet :exec
-- params: experiment_id Int64, names [String], min_intensities [Int], max_intensities [Int]
-- The window `init` decided for each layer it plans; layers it does not plan keep theirs.
UPDATE channel_layers l SET min_intensity = w.min_intensity, max_intensity = w.max_intensity
FROM unnest($2::text[], $3::integer[], $4::integer[]) AS w (name, min_intensity, max_intensity)
WHERE l.experiment_id = $1 AND l.name = w.name;

-- name: SiteResiduesSet :exec
-- params: experiment_id Int64, plate_ordinals [Int], well_names [String], ys [Int], xs [Int]
-- params: top_residues [Int], bottom_residues [Int], left_residues [Int], right_residues [Int]
UPDATE sites s SET top_residue = r.top_residue, bottom_residue = r.bottom_residue,
                   left_residue = r.left_residue, right_residue = r.right_residue
FROM unnest($2::integer[], $3::text[], $4::integer[], $5::integer[],
            $6::integer[], $7::integer[], $8::integer[], $9::integer[])
         AS r (plate, well, y, x, top_residue, bottom_residue, left_residue, right_residue)
     JOIN plates p ON p.experiment_id = $1 AND p.ordinal = r.plate
     JOIN wells w ON w.plate_id = p.id AND w.name = r.well
WHERE s.well_id = w.id AND s.y = r.y AND s.x = r.x;

-- name: ExperimentList :many
-- returns: id Int64, name String, created_at String, plates Int, wells Int, sites Int, channels Int, images Int
-- returns: pyramid_height Int, pyramid_width Int, pyramid_depth Int
SELECT e.id, e.name, e.created_at::text AS created_at,
       (SELECT count(*) FROM plates p WHERE p.experiment_id = e.id) AS plates,
       (SELECT count(*) FROM wells w JOIN plates p ON p.id = w.plate_id WHERE p.experiment_id = e.id) AS wells,
       (SELECT count(*) FROM sites s JOIN wells w ON w.id = s.well_id JOIN plates p ON p.id = w.plate_id
         WHERE p.experiment_id = e.id) AS sites,
       (SELECT count(*) FROM channels c WHERE c.experiment_id = e.id) AS channels,
       (SELECT count(*) FROM image_files f WHERE f.experiment_id = e.id) AS images,
       e.pyramid_height, e.pyramid_width, e.pyramid_depth
FROM experiments e
ORDER BY e.name;

-- name: ExperimentGetByName :opt
-- params: name String
-- returns: id Int64, name String, plate_format Int, site_height Int, site_width Int, bit_depth Int
-- returns: tile_size Int, zoom_factor Int, well_spacer Int, plate_spacer Int
-- returns: vertical_site_displacement Int, horizontal_site_displacement Int, pyramid_height Int
-- returns: pyramid_width Int, pyramid_depth Int, manifest_path String, pixel_size_um Double?
-- returns: created_at String
SELECT id, name, plate_format, site_height, site_width, bit_depth, tile_size, zoom_factor,
       well_spacer, plate_spacer, vertical_site_displacement, horizontal_site_displacement,
       pyramid_height, pyramid_width, pyramid_depth, manifest_path, pixel_size_um,
       created_at::text AS created_at
FROM experiments WHERE name = $1;

-- name: ExperimentNameByID :opt
-- params: id Int64
-- returns: name String
SELECT name FROM experiments WHERE id = $1;

-- name: ExperimentSetPixelSize :exec
-- params: experiment_id Int64, micrometres Double?
UPDATE experiments SET pixel_size_um = $2 WHERE id = $1;

-- name: PlatesByExperiment :many
-- params: experiment_id Int64
-- returns: id Int64, ordinal Int, name String
SELECT id, ordinal, name FROM plates WHERE experiment_id = $1 ORDER BY ordinal;

-- name: WellsByExperiment :many
-- params: experiment_id Int64
-- returns: id Int64, plate_id Int64, name String, row Int, col Int
SELECT w.id, w.plate_id, w.name, w.row, w.col
FROM wells w JOIN plates p ON p.id = w.plate_id
WHERE p.experiment_id = $1
ORDER BY p.ordinal, w.col, w.row;

-- name: SitesByExperiment :many
-- params: experiment_id Int64
-- returns: id Int64, well_id Int64, y Int, x Int, stage_y Double?, stage_x Double?
-- returns: top_residue Int, bottom_residue Int, left_residue Int, right_residue Int
SELECT s.id, s.well_id, s.y, s.x, s.stage_y, s.stage_x,
       s.top_residue, s.bottom_residue, s.left_residue, s.right_residue
FROM sites s JOIN wells w ON w.id = s.well_id JOIN plates p ON p.id = w.plate_id
WHERE p.experiment_id = $1
ORDER BY p.ordinal, w.col, w.row, s.y, s.x;

-- name: ChannelsByExperiment :many
-- params: experiment_id Int64
-- returns: id Int64, ordinal Int, name String, bit_depth Int
SELECT id, ordinal, name, bit_depth FROM channels WHERE experiment_id = $1 ORDER BY ordinal;

-- name: CyclesByExperiment :many
-- params: experiment_id Int64
-- returns: id Int64, index Int
SELECT id, index FROM cycles WHERE experiment_id = $1 ORDER BY index;

-- name: ImageFilesByExperiment :many
-- params: experiment_id Int64
-- returns: id Int64, site_id Int64, channel_id Int64, cycle_id Int64, tpoint Int, zplane Int
-- returns: path String, manifest_line Int
SELECT id, site_id, channel_id, cycle_id, tpoint, zplane, path, manifest_line
FROM image_files WHERE experiment_id = $1
-- Manifest order: many JSON records share a line, and ids follow the manifest within it.
ORDER BY manifest_line, id;

-- name: SiteShiftsByExperiment :many
-- params: experiment_id Int64
-- returns: site_id Int64, cycle_id Int64, y Int, x Int
SELECT sh.site_id, sh.cycle_id, sh.y, sh.x
FROM site_shifts sh JOIN cycles c ON c.id = sh.cycle_id
WHERE c.experiment_id = $1
ORDER BY sh.site_id, sh.cycle_id;

-- name: ChannelLayersByExperiment :many
-- params: experiment_id Int64
-- returns: id Int64, channel_id Int64, cycle_id Int64, tpoint Int, zplane Int, name String
-- returns: min_intensity Int?, max_intensity Int?
SELECT l.id, l.channel_id, l.cycle_id, l.tpoint, l.zplane, l.name, l.min_intensity, l.max_intensity
FROM channel_layers l JOIN channels c ON c.id = l.channel_id JOIN cycles y ON y.id = l.cycle_id
WHERE l.experiment_id = $1
ORDER BY c.ordinal, y.index, l.tpoint, l.zplane;

-- name: ExperimentDelete :opt
-- params: name String
-- returns: id Int64
DELETE FROM experiments WHERE name = $1 RETURNING id;
