-- The acquisition layout of wells whose sites came from stage positions.

-- name: WellsStitchLayoutSet :exec
-- params: experiment_id Int64, plate_ordinals [Int], well_names [String], layouts [String]
UPDATE wells w SET stitch_layout = s.layout
FROM unnest($2::integer[], $3::text[], $4::text[]) AS s (plate, well, layout), plates p
WHERE p.experiment_id = $1 AND p.ordinal = s.plate AND w.plate_id = p.id AND w.name = s.well;
