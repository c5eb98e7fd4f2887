#!/bin/sh
# docker-compose: PostgreSQL runs this once, when it creates the database. It gives otp-audit a login of its own
# that can do nothing but become otp_audit_writer (SELECT and INSERT on the audit tables, nothing else; the
# append-only triggers refuse the rest). The schema owner (POSTGRES_USER) runs the migrations, which create the
# tables and grant otp_audit_writer its rights; they create the role only if it does not exist yet.
set -eu
password="$(cat /run/secrets/audit_sink_password)"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" --set=pw="$password" <<'SQL'
CREATE ROLE otp_audit_writer NOLOGIN;
CREATE ROLE otp_audit_sink LOGIN PASSWORD :'pw' NOINHERIT;
GRANT otp_audit_writer TO otp_audit_sink;
GRANT CONNECT ON DATABASE otp TO otp_audit_sink;
SQL
