// Equality, btree order and hashing of listguard.email. All of them look at
// the keyed digest only: they say whether two addresses are equal and
// nothing else, so they need no key and are leakproof.
#include <cstring>

#include "pg/base/preload.h"
#include "pg/type/stored_value.h"

extern "C" {
#include "common/hashfn.h"
#include "utils/sortsupport.h"

PG_FUNCTION_INFO_V1(email_eq);
PG_FUNCTION_INFO_V1(email_ne);
PG_FUNCTION_INFO_V1(email_lt);
PG_FUNCTION_INFO_V1(email_le);
PG_FUNCTION_INFO_V1(email_gt);
PG_FUNCTION_INFO_V1(email_ge);
PG_FUNCTION_INFO_V1(email_cmp);
PG_FUNCTION_INFO_V1(email_sortsupport);
PG_FUNCTION_INFO_V1(email_hash);
PG_FUNCTION_INFO_V1(email_hash_extended);
}

using namespace listguard;
using namespace listguard::pg;

namespace {

const std::uint8_t* digest_arg(FunctionCallInfo fcinfo, int n)
{
    return sealed::digest_of(email_bytes(PG_GETARG_VARLENA_PP(n)).data);
}

// -1, 0 or 1.
int compare_digests(const std::uint8_t* a, const std::uint8_t* b)
{
    int c = std::memcmp(a, b, sealed::kDigestSize);
    return (c > 0) - (c < 0);
}

int compare_args(FunctionCallInfo fcinfo)
{
    require_preload();
    return compare_digests(digest_arg(fcinfo, 0), digest_arg(fcinfo, 1));
}

int compare_datums(Datum a, Datum b, SortSupport)
{
    auto* va = reinterpret_cast<struct varlena*>(PG_DETOAST_DATUM_PACKED(a));
    auto* vb = reinterpret_cast<struct varlena*>(PG_DETOAST_DATUM_PACKED(b));
    int c = compare_digests(sealed::digest_of(email_bytes(va).data), sealed::digest_of(email_bytes(vb).data));
    if (reinterpret_cast<Pointer>(va) != DatumGetPointer(a))
        pfree(va);
    if (reinterpret_cast<Pointer>(vb) != DatumGetPointer(b))
        pfree(vb);
    return c;
}

} // namespace

extern "C" Datum email_eq(PG_FUNCTION_ARGS)
{
    PG_RETURN_BOOL(compare_args(fcinfo) == 0);
}
extern "C" Datum email_ne(PG_FUNCTION_ARGS)
{
    PG_RETURN_BOOL(compare_args(fcinfo) != 0);
}
extern "C" Datum email_lt(PG_FUNCTION_ARGS)
{
    PG_RETURN_BOOL(compare_args(fcinfo) < 0);
}
extern "C" Datum email_le(PG_FUNCTION_ARGS)
{
    PG_RETURN_BOOL(compare_args(fcinfo) <= 0);
}
extern "C" Datum email_gt(PG_FUNCTION_ARGS)
{
    PG_RETURN_BOOL(compare_args(fcinfo) > 0);
}
extern "C" Datum email_ge(PG_FUNCTION_ARGS)
{
    PG_RETURN_BOOL(compare_args(fcinfo) >= 0);
}

extern "C" Datum email_cmp(PG_FUNCTION_ARGS)
{
    PG_RETURN_INT32(compare_args(fcinfo));
}

extern "C" Datum email_sortsupport(PG_FUNCTION_ARGS)
{
    require_preload();
    auto ssup = reinterpret_cast<SortSupport>(PG_GETARG_POINTER(0));
    ssup->comparator = compare_datums;
    PG_RETURN_VOID();
}

// The digest is already a keyed pseudo-random value: its first octets are a
// good hash as they are.
extern "C" Datum email_hash(PG_FUNCTION_ARGS)
{
    require_preload();
    std::uint32_t h;
    std::memcpy(&h, digest_arg(fcinfo, 0), sizeof h);
    PG_RETURN_INT32(static_cast<int32>(h));
}

extern "C" Datum email_hash_extended(PG_FUNCTION_ARGS)
{
    require_preload();
    const std::uint8_t* digest = digest_arg(fcinfo, 0);
    std::uint64_t seed = static_cast<std::uint64_t>(PG_GETARG_INT64(1));
    if (seed == 0) {
        // Must agree with email_hash in its low 32 bits.
        std::uint32_t low;
        std::memcpy(&low, digest, sizeof low);
        std::uint32_t high;
        std::memcpy(&high, digest + 4, sizeof high);
        PG_RETURN_INT64(static_cast<int64>((static_cast<std::uint64_t>(high) << 32) | low));
    }
    PG_RETURN_INT64(static_cast<int64>(hash_bytes_extended(digest, static_cast<int>(sealed::kDigestSize), seed)));
}
