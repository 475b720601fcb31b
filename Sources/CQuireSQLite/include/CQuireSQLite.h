#ifndef CQUIRESQLITE_H
#define CQUIRESQLITE_H

/// Turns on SQLite's query planner stability guarantee for a connection (`SQLiteHandle`).
/// `sqlite3_db_config` takes variable arguments, which Swift cannot call, hence this one C function.
/// Returns SQLite's result code.
int quire_sqlite_enable_qpsg(void *db);

#endif
