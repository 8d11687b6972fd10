// PostgreSQL's C headers, included with C linkage. Every src/pg file
// includes this first.
#pragma once

extern "C" {
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/elog.h"
#include "utils/memutils.h"
}
