#include <gtest/gtest.h>

#include "core/access/dump_session.h"

using namespace listguard;

TEST(DumpSession, PgDumpByName)
{
    EXPECT_TRUE(is_dump_session(true, "pg_dump"));
    EXPECT_TRUE(is_dump_session(true, "pg_dumpall"));
}

TEST(DumpSession, RowSecurityOffIsADumpWhateverTheName)
{
    EXPECT_TRUE(is_dump_session(false, "psql"));
    EXPECT_TRUE(is_dump_session(false, ""));
}

TEST(DumpSession, OrdinarySessions)
{
    EXPECT_FALSE(is_dump_session(true, "psql"));
    EXPECT_FALSE(is_dump_session(true, ""));
    EXPECT_FALSE(is_dump_session(true, "pg_dump2"));
    EXPECT_FALSE(is_dump_session(true, "PG_DUMP"));
    EXPECT_FALSE(is_dump_session(true, "pg_dum"));
}
