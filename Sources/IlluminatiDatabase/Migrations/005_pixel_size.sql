-- The physical size of one site-image pixel, when the user knows it: the viewer draws a scale
-- bar from it. Unknown stays NULL (TissueMAPS had no such field).
ALTER TABLE experiments
    ADD COLUMN IF NOT EXISTS pixel_size_um double precision
        CHECK (pixel_size_um IS NULL OR (pixel_size_um > 0 AND pixel_size_um < 1000000));
