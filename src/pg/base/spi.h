// Server Programming Interface set-up shared by every room that runs SQL.
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
#include "executor/spi.h"
}

namespace listguard::pg {

// SPI_connect(), or an error. The caller ends with SPI_finish(); an error
// before it ends SPI with the (sub)transaction's abort.
void connect_spi();

} // namespace listguard::pg
