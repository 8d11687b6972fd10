#include "pg/base/spi.h"

namespace listguard::pg {

void connect_spi()
{
    if (SPI_connect() != SPI_OK_CONNECT)
        elog(ERROR, "SPI_connect failed");
}

} // namespace listguard::pg
