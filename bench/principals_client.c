/*
 * The client of bench/principals.sh: CLIENTS processes, each with one
 * connection (through pgbouncer), run transactions for SECONDS and print
 * how many they completed. Both modes send the same statements through the
 * same protocol (extended, unnamed statements, as psycopg and JDBC do), and
 * differ only in the statement that narrows the transaction's rights:
 *
 *   role    BEGIN; SET LOCAL ROLE p_reader; SELECT email ... WHERE id = $1; COMMIT
 *   act_as  BEGIN; SELECT listguard.act_as($1); SELECT email ... WHERE id = $1; COMMIT
 *
 * act_as's assertions are read from TOKENS.<client> (one per line, made
 * before the run), one fresh assertion per transaction.
 *
 *   principals_client CONNINFO MODE CLIENTS SECONDS ROWS [TOKENS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libpq-fe.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run(PGconn *conn, const char *sql, int nparams, const char *const *values)
{
    PGresult *r = PQexecParams(conn, sql, nparams, NULL, values, NULL, NULL, 0);
    ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(conn));
        exit(1);
    }
    PQclear(r);
}

static int client(const char *conninfo, int act_as, double seconds, long rows, const char *tokens, int id)
{
    char **lines = NULL;
    long count = 0, capacity = 0;
    if (act_as) {
        char path[4096];
        snprintf(path, sizeof path, "%s.%d", tokens, id);
        FILE *f = fopen(path, "r");
        if (f == NULL) {
            perror(path);
            return 1;
        }
        char line[8192];
        while (fgets(line, sizeof line, f) != NULL) {
            line[strcspn(line, "\n")] = '\0';
            if (count == capacity) {
                capacity = capacity ? capacity * 2 : 4096;
                lines = realloc(lines, sizeof(char *) * capacity);
            }
            lines[count++] = strdup(line);
        }
        fclose(f);
    }
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "%s", PQerrorMessage(conn));
        return 1;
    }
    srandom(getpid());
    long done = 0;
    double end = now() + seconds;
    char idtext[32];
    while (now() < end) {
        if (act_as && done == count) {
            fprintf(stderr, "client %d ran out of assertions after %ld transactions\n", id, done);
            return 1;
        }
        snprintf(idtext, sizeof idtext, "%ld", 1 + random() % rows);
        const char *id_param[1] = {idtext};
        run(conn, "BEGIN", 0, NULL);
        if (act_as) {
            const char *token[1] = {lines[done]};
            run(conn, "SELECT listguard.act_as($1)", 1, token);
        } else {
            run(conn, "SET LOCAL ROLE p_reader", 0, NULL);
        }
        run(conn, "SELECT email FROM p_subs WHERE id = $1", 1, id_param);
        run(conn, "COMMIT", 0, NULL);
        done++;
    }
    PQfinish(conn);
    printf("%ld\n", done);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: %s CONNINFO role|act_as CLIENTS SECONDS ROWS [TOKENS]\n", argv[0]);
        return 2;
    }
    int act_as = strcmp(argv[2], "act_as") == 0;
    int clients = atoi(argv[3]);
    double seconds = atof(argv[4]);
    long rows = atol(argv[5]);
    const char *tokens = argc > 6 ? argv[6] : "";
    int fds[64][2];
    for (int i = 0; i < clients && i < 64; i++) {
        if (pipe(fds[i]) != 0)
            return 1;
        if (fork() == 0) {
            dup2(fds[i][1], 1);
            exit(client(argv[1], act_as, seconds, rows, tokens, i));
        }
        close(fds[i][1]);
    }
    long total = 0;
    int failed = 0;
    for (int i = 0; i < clients && i < 64; i++) {
        char buf[64] = "";
        ssize_t n = read(fds[i][0], buf, sizeof buf - 1);
        if (n > 0)
            total += atol(buf);
        else
            failed = 1;
    }
    int status;
    while (wait(&status) > 0)
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed = 1;
    printf("%.0f\n", total / seconds);
    return failed;
}
