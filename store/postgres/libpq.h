/* libpq, loaded when a server is first used rather than when the program
 * starts: linked directly, libpq and what it pulls in (OpenSSL, Kerberos,
 * LDAP, GnuTLS) cost every command about 3 ms of start-up on 2 CPUs, a
 * journal on a file included (bench/RESULTS.md). The backend's files call
 * the usual PQ* names; each is the function dlsym found. */
#ifndef STORE_POSTGRES_LIBPQ_H
#define STORE_POSTGRES_LIBPQ_H

#include <libpq-fe.h>

#include "core/status.h"

#define LIBPQ_FUNCTIONS(X) \
    X(PQclear) \
    X(PQgetvalue) \
    X(PQntuples) \
    X(PQstatus) \
    X(PQexec) \
    X(PQresultStatus) \
    X(PQtransactionStatus) \
    X(PQresultErrorField) \
    X(PQfreemem) \
    X(PQerrorMessage) \
    X(PQresultErrorMessage) \
    X(PQnotifies) \
    X(PQgetisnull) \
    X(PQgetResult) \
    X(PQcmdTuples) \
    X(PQcmdStatus) \
    X(PQsocket) \
    X(PQsetNoticeProcessor) \
    X(PQreset) \
    X(PQputCopyEnd) \
    X(PQputCopyData) \
    X(PQprepare) \
    X(PQgetlength) \
    X(PQfinish) \
    X(PQexecPrepared) \
    X(PQexecParams) \
    X(PQconsumeInput) \
    X(PQconninfoParse) \
    X(PQconninfoFree) \
    X(PQconnectdbParams) \
    X(PQnfields) \
    X(PQftype)

struct libpq_functions {
#define LIBPQ_MEMBER(name) __typeof__(name) *name;
    LIBPQ_FUNCTIONS(LIBPQ_MEMBER)
#undef LIBPQ_MEMBER
};

extern struct libpq_functions libpq;

/* Loads libpq.so.5 once (MB_UNSUPPORTED, with the reason in err, when it
 * is not installed). Every PQ* call is made after it succeeded. */
enum mb_status libpq_load(struct mb_error *err);

/* The usual names, for every file but the loader itself. */
#ifndef LIBPQ_LOADER
#define PQclear (libpq.PQclear)
#define PQgetvalue (libpq.PQgetvalue)
#define PQntuples (libpq.PQntuples)
#define PQstatus (libpq.PQstatus)
#define PQexec (libpq.PQexec)
#define PQresultStatus (libpq.PQresultStatus)
#define PQtransactionStatus (libpq.PQtransactionStatus)
#define PQresultErrorField (libpq.PQresultErrorField)
#define PQfreemem (libpq.PQfreemem)
#define PQerrorMessage (libpq.PQerrorMessage)
#define PQresultErrorMessage (libpq.PQresultErrorMessage)
#define PQnotifies (libpq.PQnotifies)
#define PQgetisnull (libpq.PQgetisnull)
#define PQgetResult (libpq.PQgetResult)
#define PQcmdTuples (libpq.PQcmdTuples)
#define PQcmdStatus (libpq.PQcmdStatus)
#define PQsocket (libpq.PQsocket)
#define PQsetNoticeProcessor (libpq.PQsetNoticeProcessor)
#define PQreset (libpq.PQreset)
#define PQputCopyEnd (libpq.PQputCopyEnd)
#define PQputCopyData (libpq.PQputCopyData)
#define PQprepare (libpq.PQprepare)
#define PQgetlength (libpq.PQgetlength)
#define PQfinish (libpq.PQfinish)
#define PQexecPrepared (libpq.PQexecPrepared)
#define PQexecParams (libpq.PQexecParams)
#define PQconsumeInput (libpq.PQconsumeInput)
#define PQconninfoParse (libpq.PQconninfoParse)
#define PQconninfoFree (libpq.PQconninfoFree)
#define PQconnectdbParams (libpq.PQconnectdbParams)
#define PQnfields (libpq.PQnfields)
#define PQftype (libpq.PQftype)
#endif

#endif
