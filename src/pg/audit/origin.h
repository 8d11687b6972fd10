// The name a hot standby's events carry in its primary's audit log.
#pragma once

namespace listguard::pg {

// This server's name as the origin of its events: cluster_name, or its
// port and the cluster's system identifier (which standbys share).
const char* standby_origin();

} // namespace listguard::pg
