// Micro-benchmarks of the core's per-value work (Google Benchmark). Not a
// ratio against PostgreSQL: it tells where the per-row cost of the type goes,
// printed beside the crypto floor measured the same way (BM_Floor_*: OpenSSL's
// EVP calls alone, on kept contexts where OpenSSL allows it, for the same
// sizes a stored value uses: a 48-octet padded address, a 16-octet digest).
//   cmake --build build/unit --target core_bench && build/unit/core_bench
#include <benchmark/benchmark.h>

#include <cstring>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "core/email/address.h"
#include "core/email/input.h"
#include "core/email/mask.h"
#include "core/email/sealed_email.h"
#include "core/email/pseudonym.h"
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

// --- The floor: OpenSSL alone -------------------------------------------

std::uint8_t g_key[64] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                          17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
std::uint8_t g_plain[48] = {32, 'm', 'a', 'r', 'i', 'a'};

// AES-256-SIV as OpenSSL offers it: a keyed context cannot be reused across
// messages, so every value pays a key schedule (the cost the design avoids).
void BM_Floor_SivFreshKey(benchmark::State& state)
{
    EVP_CIPHER* siv = EVP_CIPHER_fetch(nullptr, "AES-256-SIV", nullptr);
    std::uint8_t out[64], tag[16], header[37] = {1};
    for (auto _ : state) {
        EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
        int n = 0;
        EVP_EncryptInit_ex2(ctx, siv, g_key, nullptr, nullptr);
        EVP_EncryptUpdate(ctx, nullptr, &n, header, sizeof header);
        EVP_EncryptUpdate(ctx, out, &n, g_plain, sizeof g_plain);
        EVP_EncryptFinal_ex(ctx, out + n, &n);
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag);
        EVP_CIPHER_CTX_free(ctx);
        benchmark::DoNotOptimize(out);
    }
    EVP_CIPHER_free(siv);
}
BENCHMARK(BM_Floor_SivFreshKey);

// The blocks one seal encrypts on kept contexts: CMAC of the header (3
// blocks) and of the plaintext (3), CTR over 3 blocks. Three EVP calls.
void BM_Floor_SealBlocks(benchmark::State& state)
{
    EVP_CIPHER_CTX* cbc = EVP_CIPHER_CTX_new();
    EVP_CIPHER_CTX* ecb = EVP_CIPHER_CTX_new();
    std::uint8_t iv[16] = {};
    EVP_EncryptInit_ex2(cbc, EVP_aes_256_cbc(), g_key, iv, nullptr);
    EVP_EncryptInit_ex2(ecb, EVP_aes_256_ecb(), g_key + 32, nullptr, nullptr);
    EVP_CIPHER_CTX_set_padding(cbc, 0);
    EVP_CIPHER_CTX_set_padding(ecb, 0);
    std::uint8_t in[48] = {}, out[48];
    for (auto _ : state) {
        int n;
        EVP_EncryptUpdate(cbc, out, &n, in, 48);
        EVP_EncryptUpdate(cbc, out, &n, in, 48);
        EVP_EncryptUpdate(ecb, out, &n, in, 48);
        benchmark::DoNotOptimize(out);
    }
    EVP_CIPHER_CTX_free(cbc);
    EVP_CIPHER_CTX_free(ecb);
}
BENCHMARK(BM_Floor_SealBlocks);

// What displaying a stored value needs: AES-256-CTR over 48 octets (3 ECB
// blocks on a kept context; no authentication: checked at input).
void BM_Floor_Ctr48(benchmark::State& state)
{
    EVP_CIPHER_CTX* ecb = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex2(ecb, EVP_aes_256_ecb(), g_key + 32, nullptr, nullptr);
    EVP_CIPHER_CTX_set_padding(ecb, 0);
    std::uint8_t in[48] = {}, out[48];
    for (auto _ : state) {
        int n;
        EVP_EncryptUpdate(ecb, out, &n, in, 48);
        benchmark::DoNotOptimize(out);
    }
    EVP_CIPHER_CTX_free(ecb);
}
BENCHMARK(BM_Floor_Ctr48);

// HMAC-SHA-256 of a canonical address on a kept keyed context (the digest
// equality and the canary filter use).
void BM_Floor_HmacSha256(benchmark::State& state)
{
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
                           OSSL_PARAM_construct_end()};
    EVP_MAC_init(ctx, g_key, 32, params);
    std::uint8_t out[32];
    std::size_t len = std::strlen(kAddress);
    for (auto _ : state) {
        std::size_t n;
        EVP_MAC_init(ctx, nullptr, 0, nullptr);
        EVP_MAC_update(ctx, reinterpret_cast<const std::uint8_t*>(kAddress), len);
        EVP_MAC_final(ctx, out, &n, sizeof out);
        benchmark::DoNotOptimize(out);
    }
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
}
BENCHMARK(BM_Floor_HmacSha256);

// --- listguard's per-value operations -------------------------------------

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
        benchmark::DoNotOptimize(seal_input(sealer, kAddress, 1, out));
}
BENCHMARK(BM_SealInput);

void BM_ShowMasked(benchmark::State& state)
{
    EmailSealer sealer(server_key());
    std::uint8_t value[sealed::kMaxSize];
    std::size_t size = seal_input(sealer, kAddress, 1, value);
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
    std::size_t size = seal_input(sealer, kAddress, 1, value);
    for (auto _ : state)
        benchmark::DoNotOptimize(sealer.restamp(value, size, {7, 3}, out));
}
BENCHMARK(BM_Restamp);

void BM_OpenToken(benchmark::State& state)
{
    EmailSealer sealer(server_key());
    std::uint8_t value[sealed::kMaxSize];
    std::size_t size = seal_input(sealer, kAddress, 1, value);
    char token[kMaxTokenOctets];
    std::size_t token_len = encode_token(value, size, token);
    std::uint8_t out[sealed::kMaxSize];
    for (auto _ : state)
        benchmark::DoNotOptimize(seal_input(sealer, std::string_view(token, token_len), 1, out));
}
BENCHMARK(BM_OpenToken);

// Opening a stored value for display (the CTR half of SIV) and copying it.
void BM_ShowClear(benchmark::State& state)
{
    EmailSealer sealer(server_key());
    std::uint8_t value[sealed::kMaxSize];
    std::size_t size = seal_input(sealer, kAddress, 1, value);
    char out[kMaxAddressOctets];
    for (auto _ : state)
        benchmark::DoNotOptimize(sealer.show(value, size, out));
}
BENCHMARK(BM_ShowClear);

void BM_ShowPseudonym(benchmark::State& state)
{
    EmailSealer sealer(server_key());
    Pseudonymizer pseudonyms(server_key());
    std::uint8_t value[sealed::kMaxSize];
    std::size_t size = seal_input(sealer, kAddress, 1, value);
    char out[kMaxPseudonymOctets];
    for (auto _ : state)
        benchmark::DoNotOptimize(sealer.with_address(value, size, [&](std::string_view a) {
            return pseudonyms.pseudonym(7, sealed::digest_of(value), sealed::kDigestSize, a, out);
        }));
}
BENCHMARK(BM_ShowPseudonym);

// The canary test of a row policy as the core does it: is the value marked?
// (Decrypts. The row policy asks it only for a value whose digest is a
// canary's, found with a bit test in pg/canary/registry.cpp.)
void BM_CanaryMarkTest(benchmark::State& state)
{
    EmailSealer sealer(server_key());
    std::uint8_t value[sealed::kMaxSize];
    std::size_t size = seal_input(sealer, kAddress, 1, value);
    for (auto _ : state)
        benchmark::DoNotOptimize(sealer.is_canary(value, size));
}
BENCHMARK(BM_CanaryMarkTest);

// The row policy's test for a value that is no canary: the digest filter's
// bit (a copy of pg/canary/registry.cpp's, which needs no PostgreSQL).
void BM_CanaryFilterTest(benchmark::State& state)
{
    EmailSealer sealer(server_key());
    std::uint8_t value[sealed::kMaxSize];
    seal_input(sealer, kAddress, 1, value);
    static std::uint64_t filter[(1 << 16) / 64];
    filter[17] = 1;
    for (auto _ : state) {
        const std::uint8_t* d = sealed::digest_of(value);
        int bit = (d[4] << 8) | d[5];
        benchmark::DoNotOptimize((filter[bit / 64] >> (bit % 64)) & 1);
    }
}
BENCHMARK(BM_CanaryFilterTest);

} // namespace

BENCHMARK_MAIN();
