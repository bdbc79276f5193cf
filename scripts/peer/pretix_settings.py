"""pretix's own settings (pretix.settings, read from PRETIX_CONFIG_FILE) with one change on
SQLite only: the SQLite connection settings our server uses (WAL journal, synchronous=NORMAL,
a 5 s busy timeout, write transactions that take the lock at BEGIN IMMEDIATE).

Why: pretix's production guide does not support SQLite (it is for development), and its
SQLite connection opens deferred transactions in the default rollback journal. Under
concurrent creates from five gunicorn processes a transaction that read first and then
writes cannot wait for the lock, so SQLite answers "database is locked" at once and pretix
returns 500 (measured: 6 of 16 creates with 8 connections). The configuration file has no
way to pass SQLite options, hence this module. PostgreSQL is left exactly as pretix sets it.

pretix.sh sets DJANGO_SETTINGS_MODULE=pretix_settings with this directory on PYTHONPATH
for migrate, celery, gunicorn and the loader.
"""

from pretix.settings import *  # noqa: F401,F403
from pretix.settings import DATABASES

for _db in DATABASES.values():
    if _db["ENGINE"].endswith("sqlite3"):
        _db["OPTIONS"] = {
            **_db["OPTIONS"],
            "timeout": 5,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
