#include "hashing.h"

#include "records.h"

#include <openssl/evp.h>

#include <cstring>

namespace ember {

namespace {
const EVP_MD* digestFor(Digest::Algorithm algorithm)
{
    return algorithm == Digest::Algorithm::Sha256 ? EVP_sha256() : EVP_md5();
}
} // namespace

Digest::Digest(Algorithm algorithm) : m_algorithm(algorithm), m_context(EVP_MD_CTX_new())
{
    if (!m_context || EVP_DigestInit_ex(m_context, digestFor(algorithm), nullptr) != 1)
        throw Error(QStringLiteral("OpenSSL could not initialise a digest"));
}

Digest::~Digest()
{
    EVP_MD_CTX_free(m_context);
}

Digest::Digest(Digest&& other) noexcept
    : m_algorithm(other.m_algorithm), m_context(std::exchange(other.m_context, nullptr))
{
}

Digest& Digest::operator=(Digest&& other) noexcept
{
    std::swap(m_algorithm, other.m_algorithm);
    std::swap(m_context, other.m_context);
    return *this;
}

void Digest::update(const char* data, size_t length)
{
    EVP_DigestUpdate(m_context, data, length);
}

QByteArray Digest::finalHex()
{
    unsigned char raw[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(m_context, raw, &size);
    EVP_DigestInit_ex(m_context, digestFor(m_algorithm), nullptr);
    return QByteArray(reinterpret_cast<const char*>(raw), int(size)).toHex();
}

QByteArray Digest::sha256Hex(const char* data, size_t length)
{
    unsigned char raw[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(data, length, raw, &size, EVP_sha256(), nullptr);
    return QByteArray(reinterpret_cast<const char*>(raw), int(size)).toHex();
}

void Digest::sha256Raw(const char* data, size_t length, unsigned char* out)
{
    unsigned int size = 0;
    EVP_Digest(data, length, out, &size, EVP_sha256(), nullptr);
}

QByteArray Digest::md5Hex(const char* data, size_t length)
{
    unsigned char raw[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(data, length, raw, &size, EVP_md5(), nullptr);
    return QByteArray(reinterpret_cast<const char*>(raw), int(size)).toHex();
}

bool isAllZero(const char* data, size_t length)
{
    constexpr size_t kHead = 16;
    if (length <= kHead) {
        for (size_t i = 0; i < length; ++i)
            if (data[i] != 0)
                return false;
        return true;
    }
    static const char zeros[kHead] = {};
    // The head is zero and every byte equals the one 16 bytes before it.
    return std::memcmp(data, zeros, kHead) == 0 &&
           std::memcmp(data, data + kHead, length - kHead) == 0;
}

} // namespace ember
