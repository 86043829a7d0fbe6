-- Map object types and outlines (Migrations/004_map_objects.sql).

-- name: MapObjectTypeUpsert :one
-- params: experiment_id Int64, name String, ref_type String, created_by String
-- returns: id Int64, created_by String
INSERT INTO mapobject_types (experiment_id, name, ref_type, created_by)
VALUES ($1, $2, $3, $4)
ON CONFLICT (experiment_id, name) DO UPDATE SET ref_type = excluded.ref_type
RETURNING id, created_by;

-- name: MapObjectsDeleteOfType :exec
-- params: type_id Int64
DELETE FROM mapobjects WHERE mapobject_type_id = $1;

-- name: MapObjectsInsert :exec
-- params: type_id Int64, names [String], plates [String?], wells [String?], site_ys [Int?], site_xs [Int?], outlines [String]
INSERT INTO mapobjects (mapobject_type_id, name, plate, well, site_y, site_x, outline, centroid)
SELECT $1, o.name, o.plate, o.well, o.site_y, o.site_x,
       ST_GeomFromText(o.outline, 0), ST_Centroid(ST_GeomFromText(o.outline, 0))
FROM unnest($2::text[], $3::text[], $4::text[], $5::integer[], $6::integer[], $7::text[])
     AS o (name, plate, well, site_y, site_x, outline);

-- name: MapObjectTypesDeleteCreatedBy :one
-- params: experiment_id Int64, created_by String
-- returns: types Int
WITH deleted AS (
    DELETE FROM mapobject_types WHERE experiment_id = $1 AND created_by = $2 RETURNING id
)
SELECT count(*) AS types FROM deleted;

-- name: MapObjectCounts :many
-- params: experiment_id Int64
-- returns: name String, created_by String, objects Int
SELECT t.name, t.created_by, count(o.id) AS objects
FROM mapobject_types t LEFT JOIN mapobjects o ON o.mapobject_type_id = t.id
WHERE t.experiment_id = $1
GROUP BY t.id, t.name, t.created_by
ORDER BY t.name;

-- The outlines of one type that intersect the box [$3, $5] × [$4, $6] (x min, y min,
-- x max, y max in map coordinates), as a GeoJSON FeatureCollection of at most $7 features
-- (the first by id), with "truncated": true when there are more.
-- name: MapObjectsInBox :one
-- params: experiment_id Int64, type String, min_x Double, min_y Double, max_x Double, max_y Double, limit Int
-- returns: geojson String
WITH hits AS (
    SELECT o.id, o.name, o.plate, o.well, o.site_y, o.site_x, o.outline, t.name AS type
    FROM mapobjects o
    JOIN mapobject_types t ON t.id = o.mapobject_type_id
    WHERE t.experiment_id = $1 AND t.name = $2
      AND o.outline && ST_MakeEnvelope($3, $4, $5, $6, 0)
    ORDER BY o.id
    LIMIT $7::integer + 1
)
SELECT json_build_object(
    'type', 'FeatureCollection',
    'features', coalesce((
        SELECT json_agg(json_build_object(
            'type', 'Feature',
            'id', h.id,
            'geometry', ST_AsGeoJSON(h.outline)::json,
            'properties', json_build_object('type', h.type, 'name', h.name, 'plate', h.plate,
                                            'well', h.well, 'site_y', h.site_y, 'site_x', h.site_x)
        ) ORDER BY h.id)
        FROM (SELECT * FROM hits ORDER BY id LIMIT $7::integer) h
    ), '[]'::json),
    'truncated', (SELECT count(*) FROM hits) > $7::integer
)::text AS geojson;

-- name: PostGISLoad :one
-- returns: version String
-- A server process loads the PostGIS library on its first geometry, which costs about as much
-- as a small build's last stage; `submit` runs this on its connection while the build runs,
-- so that collecting the outlines after it does not wait for the load.
SELECT postgis_lib_version() AS version;
