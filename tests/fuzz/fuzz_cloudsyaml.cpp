// clouds.yaml and secure.yaml as a user or another tool wrote them. The input is the
// clouds.yaml text, then optionally a line "#secure.yaml" and the secure.yaml text.
// Properties: parseCloudsYaml throws nothing but ember::Error; every cloud it returns
// has a name, an http(s) auth_url with a host, a known interface and no control
// characters in its settings. The entry writeCloudEntry writes for such a cloud
// (into a new file, and over the clouds.yaml itself) never holds its secret: the new
// file is the same whatever the secret, and read back the entry has no password and
// no application credential secret but every other setting it was written with.
#include "cloudconfig.h"
#include "fuzzsupport.h"
#include "records.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QUrl>
#include <exception>

using namespace ember;
using namespace ember::cloud;

namespace {

const QByteArray SecureSeparator = "\n#secure.yaml\n";

// tmpfs when there is one: writeCloudEntry syncs each file it saves.
QString workFolder()
{
    static const QTemporaryDir folder(QDir(QStringLiteral("/dev/shm")).exists()
                                          ? QStringLiteral("/dev/shm/ember-fuzz-cloudsyaml-XXXXXX")
                                          : QDir::tempPath() +
                                                QStringLiteral("/ember-fuzz-cloudsyaml-XXXXXX"));
    if (!folder.isValid())
        std::abort();
    return folder.path();
}

QByteArray readAll(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        std::abort();
    return file.readAll();
}

void writeAll(const QString& path, const QByteArray& bytes)
{
    QFile::remove(path);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        std::abort();
}

bool hasControlCharacters(const QString& text)
{
    return std::any_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() < 0x20; });
}

void checkProfile(const CloudProfile& profile)
{
    EMBER_FUZZ_CHECK(!profile.name.isEmpty(), "a cloud without a name");
    const QUrl url(profile.auth.authUrl);
    EMBER_FUZZ_CHECK(
        url.isValid() && !url.host().isEmpty() &&
            (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https")),
        "cloud '%s' has the auth_url '%s'", qPrintable(profile.name),
        qPrintable(profile.auth.authUrl));
    EMBER_FUZZ_CHECK(profile.interface == QLatin1String("public") ||
                         profile.interface == QLatin1String("internal") ||
                         profile.interface == QLatin1String("admin"),
                     "cloud '%s' has the interface '%s'", qPrintable(profile.name),
                     qPrintable(profile.interface));
    const CloudAuth& a = profile.auth;
    for (const QString* text :
         {&a.authUrl, &a.username, &a.userId, &a.userDomainName, &a.userDomainId, &a.password,
          &a.projectName, &a.projectId, &a.projectDomainName, &a.projectDomainId, &a.domainName,
          &a.domainId, &a.applicationCredentialId, &a.applicationCredentialName,
          &a.applicationCredentialSecret, &profile.regionName, &profile.caCertFile,
          &profile.endpointOverride})
        EMBER_FUZZ_CHECK(!hasControlCharacters(*text),
                         "cloud '%s' has a setting with control characters",
                         qPrintable(profile.name));
}

// The settings writeCloudEntry writes, as one text to compare.
QString writtenSettings(const CloudProfile& p)
{
    const CloudAuth& a = p.auth;
    const QStringList fields{
        p.name,
        a.type == AuthType::Password ? QStringLiteral("password") : QStringLiteral("appcred"),
        a.authUrl,
        a.username,
        a.userId,
        a.userDomainName,
        a.userDomainId,
        a.projectName,
        a.projectId,
        a.projectDomainName,
        a.projectDomainId,
        a.domainName,
        a.domainId,
        a.applicationCredentialId,
        a.applicationCredentialName,
        a.applicationCredentialExpiresAt.isValid() ? cinderIsoTime(a.applicationCredentialExpiresAt)
                                                   : QString(),
        p.regionName,
        p.interface,
        p.caCertFile,
        p.insecure ? QStringLiteral("insecure") : QString(),
        p.endpointOverride};
    return fields.join(QStringLiteral("\n|"));
}

// The entry of `profile.name` in the clouds.yaml at `path`, which must be readable.
CloudProfile readBack(const QString& path, const CloudProfile& profile, const char* how)
{
    QList<CloudProfile> clouds;
    QStringList warnings;
    try {
        clouds = parseCloudsYaml(readAll(path), path, {}, {}, &warnings);
    } catch (const Error& error) {
        EMBER_FUZZ_CHECK(false, "the file written %s for cloud '%s' does not read: %s", how,
                         qPrintable(profile.name), qPrintable(error.message()));
    }
    for (const CloudProfile& cloud : clouds)
        if (cloud.name == profile.name)
            return cloud;
    EMBER_FUZZ_CHECK(false, "the file written %s has no usable cloud '%s' (%s):\n%s", how,
                     qPrintable(profile.name), qPrintable(warnings.join(QStringLiteral("; "))),
                     readAll(path).constData());
    return {};
}

void checkWritten(const CloudProfile& written, const CloudProfile& read, const QString& path,
                  const char* how)
{
    EMBER_FUZZ_CHECK(read.auth.password.isEmpty() &&
                         read.auth.applicationCredentialSecret.isEmpty(),
                     "the entry written %s for cloud '%s' holds a secret:\n%s", how,
                     qPrintable(written.name), readAll(path).constData());
    EMBER_FUZZ_CHECK(read.secretInKeyring,
                     "the entry written %s for cloud '%s' does not say "
                     "its secret is in the keyring",
                     how, qPrintable(written.name));
    EMBER_FUZZ_CHECK(writtenSettings(read) == writtenSettings(written),
                     "the entry written %s for cloud '%s' reads back as another cloud:\nwritten "
                     "%s\nread    %s\nfile:\n%s",
                     how, qPrintable(written.name), qPrintable(writtenSettings(written)),
                     qPrintable(writtenSettings(read)), readAll(path).constData());
}

void checkWriting(const CloudProfile& profile, const QString& cloudsPath)
{
    const QString folder = workFolder();
    const QString withSecret = folder + QStringLiteral("/new-with-secret.yaml");
    const QString withoutSecret = folder + QStringLiteral("/new-without-secret.yaml");
    QFile::remove(withSecret);
    QFile::remove(withoutSecret);
    try {
        writeCloudEntry(withSecret, profile);
    } catch (const Error&) {
        return; // a name writeCloudEntry refuses
    }
    CloudProfile noSecret = profile;
    noSecret.auth.password.clear();
    noSecret.auth.applicationCredentialSecret.clear();
    writeCloudEntry(withoutSecret, noSecret);
    EMBER_FUZZ_CHECK(readAll(withSecret) == readAll(withoutSecret),
                     "the entry written for cloud '%s' depends on its secret",
                     qPrintable(profile.name));
    checkWritten(profile, readBack(withSecret, profile, "into a new file"), withSecret,
                 "into a new file");

    // Over the file it came from: its other entries stay, this one is replaced.
    try {
        writeCloudEntry(cloudsPath, profile);
    } catch (const Error& error) {
        EMBER_FUZZ_CHECK(false, "cloud '%s' cannot be written back into its own file: %s",
                         qPrintable(profile.name), qPrintable(error.message()));
    }
    checkWritten(profile, readBack(cloudsPath, profile, "over its file"), cloudsPath,
                 "over its file");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input = fuzz::bytes(data, size);
    const qsizetype separator = input.indexOf(SecureSeparator);
    const QByteArray cloudsText = separator < 0 ? input : input.left(separator);
    const QByteArray secureText =
        separator < 0 ? QByteArray() : input.mid(separator + SecureSeparator.size());
    const QString cloudsPath = workFolder() + QStringLiteral("/clouds.yaml");
    const QString securePath = workFolder() + QStringLiteral("/secure.yaml");

    QList<CloudProfile> clouds;
    try {
        QStringList warnings;
        clouds = parseCloudsYaml(cloudsText, cloudsPath, secureText,
                                 separator < 0 ? QString() : securePath, &warnings);
        for (const QString& warning : warnings)
            EMBER_FUZZ_CHECK(!warning.isEmpty(), "an empty warning");
    } catch (const Error& error) {
        EMBER_FUZZ_CHECK(!error.message().isEmpty(), "an error without a message");
        return 0;
    } catch (const std::exception& error) {
        EMBER_FUZZ_CHECK(false, "parseCloudsYaml threw %s, not ember::Error", error.what());
    }
    for (const CloudProfile& profile : clouds) {
        checkProfile(profile);
        EMBER_FUZZ_CHECK(profile.origin == cloudsPath || profile.origin == securePath,
                         "cloud '%s' comes from '%s'", qPrintable(profile.name),
                         qPrintable(profile.origin));
    }
    // Writing is slow next to parsing: the first two clouds are enough.
    for (qsizetype i = 0; i < std::min<qsizetype>(clouds.size(), 2); ++i) {
        writeAll(cloudsPath, cloudsText);
        checkWriting(clouds[i], cloudsPath);
    }
    return 0;
}
