// Micro-benchmarks of the core's per-value work (Google Benchmark). Not a
// ratio against PostgreSQL: it tells where the per-row cost of the type goes.
#include <benchmark/benchmark.h>

#include <cstring>

#include "core/email/address.h"
#include "core/email/input.h"
#include "core/email/mask.h"
#include "core/email/sealed_email.h"
#include "core/email/token.h"

using namespace listguard;

namespace {

Secret server_key()
{
    Secret key(32);
    for (std::size_t i = 0; i < key.size(); i++)
        key.data()[i] = static_cast<std::uint8_t>(i * 7 + 1);
    return key;
}

const char* kAddress = "maria.lopez1234@mail.example.net";

void BM_Parse(benchmark::State& state)
{
    for (auto _ : state)
        benchmark::DoNotOptimize(parse_address(kAddress));
}
BENCHMARK(BM_Parse);

void BM_Digest(benchmark::State& state)
{
    EmailSealer sealer(server_key());
    std::uint8_t out[16];
    for (auto _ : state) {
        sealer.digest(kAddress, out);
        benchmark::DoNotOptimize(out);
    }
}
BENCHMARK(BM_Digest);

void BM_SealInput(benchmark::State& state)
{
    EmailSealer sealer(server_key());
    std::uint8_t out[sealed::kMaxSize];
    for (auto _ : state)
        benchmark::DoNotOptimize(seal_input(sealer, kAddress, out));
}
BENCHMARK(BM_SealInput);

void BM_ShowMasked(benchmark::State& state)
{
    EmailSealer sealer(server_key());
    std::uint8_t value[sealed::kMaxSize];
    std::size_t size = seal_input(sealer, kAddress, value);
    char masked[kMaxMaskedOctets];
    for (auto _ : state)
        benchmark::DoNotOptimize(
            sealer.with_address(value, size, [&](std::string_view a) { return mask_address(a, masked); }));
}
BENCHMARK(BM_ShowMasked);

void BM_Restamp(benchmark::State& state)
{
    EmailSealer sealer(server_key());
    std::uint8_t value[sealed::kMaxSize], out[sealed::kMaxSize];
    std::size_t size = seal_input(sealer, kAddress, value);
    for (auto _ : state)
        benchmark::DoNotOptimize(sealer.restamp(value, size, {7, 3}, out));
}
BENCHMARK(BM_Restamp);

void BM_OpenToken(benchmark::State& state)
{
    EmailSealer sealer(server_key());
    std::uint8_t value[sealed::kMaxSize];
    std::size_t size = seal_input(sealer, kAddress, value);
    char token[kMaxTokenOctets];
    std::size_t token_len = encode_token(value, size, token);
    std::uint8_t out[sealed::kMaxSize];
    for (auto _ : state)
        benchmark::DoNotOptimize(seal_input(sealer, std::string_view(token, token_len), out));
}
BENCHMARK(BM_OpenToken);

} // namespace

BENCHMARK_MAIN();
