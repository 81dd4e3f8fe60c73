// SHA-256 and MD5 through OpenSSL EVP (several times faster than
// QCryptographicHash in Qt 6.4, and it uses the CPU's SHA extensions).
#pragma once

#include <QByteArray>
#include <memory>

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace ember {

class Digest
{
public:
    enum class Algorithm
    {
        Sha256,
        Md5
    };
    explicit Digest(Algorithm algorithm);
    ~Digest();
    Digest(const Digest&) = delete;
    Digest& operator=(const Digest&) = delete;
    Digest(Digest&&) noexcept;
    Digest& operator=(Digest&&) noexcept;

    void update(const char* data, size_t length);
    void update(const QByteArray& data) { update(data.constData(), size_t(data.size())); }
    QByteArray finalHex(); // resets for reuse

    static QByteArray sha256Hex(const char* data, size_t length);
    static QByteArray md5Hex(const char* data, size_t length);
    // The raw 32-byte SHA-256 of `data` into `out` (no hex round trip: hot path).
    static void sha256Raw(const char* data, size_t length, unsigned char* out);

private:
    Algorithm m_algorithm;
    EVP_MD_CTX* m_context = nullptr;
};

// True when all `length` bytes are zero. Fast on both outcomes: data stops
// at its first non-zero 16 bytes, zeros run at memory speed (glibc's
// vectorised memcmp of the span against itself shifted by 16 bytes).
bool isAllZero(const char* data, size_t length);

} // namespace ember
