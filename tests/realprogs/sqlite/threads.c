/* SQLite built with SQLITE_THREADSAFE=1 (serialized), several threads on
 * one database file in /tmp: four threads with a connection each insert
 * in transactions (the others wait on the file's locks through the busy
 * handler), then four threads share one connection, then a reader checks
 * the counts, the sums and the integrity. Prints what it found; the same
 * bytes under Linux and in a uk image. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sqlite3.h"

#define THREADS 4
#define TXNS    10
#define ROWS    25

static const char *path = "/tmp/threads.db";
static sqlite3 *shared;

static int exec(sqlite3 *db, const char *sql)
{
	char *err = 0;
	int rc = sqlite3_exec(db, sql, 0, 0, &err);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, err ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
	}
	return rc;
}

static int insert_rows(sqlite3 *db, long who, int base)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "insert into t(who, n, word) values (?, ?, ?)", -1, &st, 0))
		return 1;
	int bad = 0;
	for (int x = 0; x < TXNS && !bad; x++) {
		bad |= exec(db, "begin immediate") != SQLITE_OK;
		for (int i = 0; i < ROWS && !bad; i++) {
			char word[32];
			int n = base + x * ROWS + i;
			snprintf(word, sizeof(word), "w%ld-%d", who, n);
			sqlite3_bind_int64(st, 1, who);
			sqlite3_bind_int(st, 2, n);
			sqlite3_bind_text(st, 3, word, -1, SQLITE_TRANSIENT);
			bad |= sqlite3_step(st) != SQLITE_DONE;
			sqlite3_reset(st);
		}
		bad |= exec(db, "commit") != SQLITE_OK;
	}
	sqlite3_finalize(st);
	return bad;
}

static void *own_connection(void *arg)
{
	long who = (long)arg;
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, 0))
		return (void *)1;
	sqlite3_busy_timeout(db, 60000);
	long bad = insert_rows(db, who, 0);
	sqlite3_close(db);
	return (void *)bad;
}

static pthread_mutex_t txn = PTHREAD_MUTEX_INITIALIZER; /* one transaction at a time on the shared one */

static void *shared_connection(void *arg)
{
	long who = (long)arg, bad = 0;
	for (int i = 0; i < TXNS; i++) {
		char sql[128];
		snprintf(sql, sizeof(sql), "update t set n = n + 1 where who = %ld and n %% %d = %d", who - THREADS,
			 TXNS, i);
		pthread_mutex_lock(&txn);
		bad |= exec(shared, sql) != SQLITE_OK;
		pthread_mutex_unlock(&txn);
		/* statements on the shared connection without the lock: SQLite's own mutex */
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(shared, "select count(*) from t where who = ?", -1, &st, 0))
			return (void *)1;
		sqlite3_bind_int64(st, 1, who - THREADS);
		bad |= sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != TXNS * ROWS;
		sqlite3_finalize(st);
	}
	return (void *)bad;
}

static int print_rows(void *arg, int n, char **v, char **names)
{
	(void)arg;
	(void)names;
	for (int i = 0; i < n; i++)
		printf("%s%s", i ? "|" : "", v[i] ? v[i] : "NULL");
	printf("\n");
	return 0;
}

int main(void)
{
	printf("threadsafe %d\n", sqlite3_threadsafe());
	unlink(path);
	sqlite3 *db;
	if (sqlite3_open(path, &db))
		return 2;
	if (exec(db, "create table t(id integer primary key, who int, n int, word text)"))
		return 2;
	sqlite3_close(db);

	pthread_t t[THREADS];
	long bad = 0;
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], 0, own_connection, (void *)i);
	for (int i = 0; i < THREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad |= (long)r;
	}
	printf("own connections: %s\n", bad ? "failed" : "ok");

	if (sqlite3_open_v2(path, &shared, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, 0))
		return 2;
	sqlite3_busy_timeout(shared, 60000);
	bad = 0;
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], 0, shared_connection, (void *)(i + THREADS));
	for (int i = 0; i < THREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad |= (long)r;
	}
	printf("shared connection: %s\n", bad ? "failed" : "ok");
	sqlite3_exec(shared, "select who, count(*), sum(n), min(word), max(word) from t group by who order by who",
		     print_rows, 0, 0);
	sqlite3_exec(shared, "select count(*), count(distinct word) from t", print_rows, 0, 0);
	sqlite3_exec(shared, "pragma integrity_check", print_rows, 0, 0);
	sqlite3_close(shared);
	return bad ? 1 : 0;
}
