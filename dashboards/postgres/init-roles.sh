#!/bin/sh
# Runs once, when the postgres container creates its database: makes dx-scraper's two roles able to
# log in, with the passwords from the compose secrets. The migration (the `migrate` service, as the
# owner) then finds them and grants them their rights (V4__roles.sql creates only missing roles).
set -eu
writer=$(cat /run/secrets/db_writer_password)
reader=$(cat /run/secrets/db_reader_password)
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v writer="$writer" -v reader="$reader" <<'SQL'
CREATE ROLE dx_scraper_writer LOGIN PASSWORD :'writer';
CREATE ROLE dx_scraper_reader LOGIN PASSWORD :'reader';
SQL
