#include "CQuireSQLite.h"

/* SQLiteNIO's copy of SQLite, linked into the same binary, prefixes its symbols; its header is
   not visible to this target, so the two declarations it needs are repeated here. */
int sqlite_nio_sqlite3_db_config(void *db, int op, ...);
#define QUIRE_SQLITE_DBCONFIG_ENABLE_QPSG 1007

int quire_sqlite_enable_qpsg(void *db) {
    return sqlite_nio_sqlite3_db_config(db, QUIRE_SQLITE_DBCONFIG_ENABLE_QPSG, 1, (int *)0);
}
