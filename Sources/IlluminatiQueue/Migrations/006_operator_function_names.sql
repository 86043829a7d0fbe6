-- The functions operators call by hand live in one schema, `illuminati`, so that in a database
-- shared with other applications `\df illuminati.*` lists them all and none collides with a
-- common name (pause, cancel): `SELECT illuminati.pause(7)`. The queue's internal functions
-- keep their `queue_` prefix in the default schema. (Moved, not renamed: the functions' bodies
-- qualify their parameters with the function's name.)
CREATE SCHEMA IF NOT EXISTS illuminati;
DO $$
DECLARE
    f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['pause(bigint)', 'resume(bigint)', 'cancel(bigint)', 'cancel_job(bigint)',
                             'retry_failed(bigint, integer, text)', 'restart_build(bigint)', 'release_worker(uuid)'] LOOP
        CONTINUE WHEN to_regprocedure('public.' || f) IS NULL;
        -- Run again after 003 was, the schema already holds the function (maybe a newer one).
        IF to_regprocedure('illuminati.' || f) IS NULL THEN
            EXECUTE 'ALTER FUNCTION public.' || f || ' SET SCHEMA illuminati';
        ELSE
            EXECUTE 'DROP FUNCTION public.' || f;
        END IF;
    END LOOP;
END $$;
