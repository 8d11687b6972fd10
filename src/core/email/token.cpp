#include "core/email/token.h"

#include <cstring>

#include <openssl/evp.h>

#include "core/base/error.h"

namespace listguard {

std::size_t encode_token(const std::uint8_t* value, std::size_t size, char* out) noexcept
{
    std::memcpy(out, kTokenPrefix.data(), kTokenPrefix.size());
    unsigned char buf[((sealed::kMaxSize + 2) / 3) * 4 + 1];
    int n = EVP_EncodeBlock(buf, value, static_cast<int>(size));
    while (n > 0 && buf[n - 1] == '=')
        n--;
    for (int i = 0; i < n; i++) {
        char c = static_cast<char>(buf[i]);
        out[kTokenPrefix.size() + i] = c == '+' ? '-' : c == '/' ? '_' : c;
    }
    return kTokenPrefix.size() + static_cast<std::size_t>(n);
}

std::size_t decode_token(std::string_view token, std::uint8_t* out)
{
    const char* bad = "sealed token is not valid";
    std::string_view body = token.substr(kTokenPrefix.size());
    if (body.size() > kMaxTokenOctets - kTokenPrefix.size() || body.size() % 4 == 1)
        throw Error(ErrorKind::InvalidText, bad, "Its length is wrong.");

    unsigned char buf[((sealed::kMaxSize + 2) / 3) * 4 + 4];
    std::size_t n = 0;
    for (char c : body) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok)
            throw Error(ErrorKind::InvalidText, bad, "It contains a character outside URL-safe base64.");
        buf[n++] = static_cast<unsigned char>(c == '-' ? '+' : c == '_' ? '/' : c);
    }
    std::size_t padding = (4 - n % 4) % 4;
    for (std::size_t i = 0; i < padding; i++)
        buf[n++] = '=';
    unsigned char decoded[sizeof buf];
    int len = EVP_DecodeBlock(decoded, buf, static_cast<int>(n));
    if (len < 0)
        throw Error(ErrorKind::InvalidText, bad, "Its base64 is malformed.");
    std::size_t size = static_cast<std::size_t>(len) - padding;
    if (size > sealed::kMaxSize)
        throw Error(ErrorKind::InvalidText, bad, "Its length is wrong.");
    // Only the canonical encoding is accepted: one value, one token.
    char again[kMaxTokenOctets];
    std::size_t again_len = encode_token(decoded, size, again);
    if (std::string_view(again, again_len) != token)
        throw Error(ErrorKind::InvalidText, bad, "Its base64 is not in canonical form.");
    std::memcpy(out, decoded, size);
    return size;
}

} // namespace listguard
