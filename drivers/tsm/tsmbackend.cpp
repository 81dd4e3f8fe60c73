#include "tsmbackend.h"

#include "engineoptions.h"
#include "tsmdriver.h"

#include <QRegularExpression>

#include <limits>

namespace ember {

using namespace ember::tsm;

namespace {

// Cinder's backup_tsm_* options, Ember's ember_tsm_* ones (defaults as
// settingsFrom applies them) and the node password.
QList<OptionSpec> tsmOptions()
{
    using Kind = OptionSpec::Kind;
    QList<OptionSpec> options;
    // Each returned reference is used before the next add (appending may move the list).
    auto add = [&](const QString& key, Kind kind, const QJsonValue& defaultValue,
                   const QString& label, const QString& help) -> OptionSpec& {
        OptionSpec spec;
        spec.key = key;
        spec.kind = kind;
        spec.defaultValue = defaultValue;
        spec.label = label;
        spec.help = help;
        options.append(spec);
        return options.last();
    };

    OptionSpec& prefix =
        add(QStringLiteral("backup_tsm_volume_prefix"), Kind::Text, QStringLiteral("backup"),
            QStringLiteral("Object name prefix"),
            QStringLiteral("The prefix of the names backups are stored under on the TSM "
                           "server (<prefix>-<backup id>)."));
    prefix.location = true;
    prefix.check = [](const QJsonValue& value, const QJsonObject&) -> QString {
        if (value.toString().contains(QLatin1Char('/')))
            return QStringLiteral("backup_tsm_volume_prefix must not contain '/': \"%1\"")
                .arg(value.toString());
        return {};
    };
    add(QStringLiteral("backup_tsm_compression"), Kind::Boolean, true,
        QStringLiteral("Compression"),
        QStringLiteral("Let dsmc compress backups (-compression=yes)."));
    add(QStringLiteral("ember_tsm_servername"), Kind::Text, QJsonValue(),
        QStringLiteral("Server stanza"),
        QStringLiteral("The dsm.sys server stanza to use (-se); empty uses the default one."));
    OptionSpec& password =
        add(PasswordKey, Kind::Text, QJsonValue(), QStringLiteral("Node password"),
            QStringLiteral("Typed when dsmc asks for the node password "
                           "(not needed with PASSWORDACCESS GENERATE)."));
    password.secret = true;
    OptionSpec& dsmcPath = add(QStringLiteral("ember_tsm_dsmc_path"), Kind::Path, QJsonValue(),
                               QStringLiteral("dsmc client"),
                               QStringLiteral("The dsmc program; empty finds it on PATH, then at "
                                              "%1.")
                                   .arg(DefaultDsmcPath));
    dsmcPath.advanced = true;
    OptionSpec& optfile =
        add(QStringLiteral("ember_tsm_optfile"), Kind::Path, QJsonValue(),
            QStringLiteral("Options file"), QStringLiteral("A dsm.opt file for dsmc (-optfile)."));
    optfile.advanced = true;
    OptionSpec& nodename =
        add(QStringLiteral("ember_tsm_nodename"), Kind::Text, QJsonValue(),
            QStringLiteral("Virtual node"), QStringLiteral("Act as this node (-virtualnodename)."));
    nodename.advanced = true;
    OptionSpec& asnodename = add(QStringLiteral("ember_tsm_asnodename"), Kind::Text, QJsonValue(),
                                 QStringLiteral("Proxy node"),
                                 QStringLiteral("Store data as this node through proxy access "
                                                "(-asnodename)."));
    asnodename.advanced = true;
    OptionSpec& fileLink =
        add(QStringLiteral("ember_tsm_file_link"), Kind::Choice, QStringLiteral("symlink"),
            QStringLiteral("File link"),
            QStringLiteral("How an image file is linked for dsmc: symlink (as Cinder since "
                           "Stein) or hardlink (for clients that back a symbolic link up as a "
                           "link)."));
    fileLink.choices = {QStringLiteral("symlink"), QStringLiteral("hardlink")};
    fileLink.advanced = true;
    OptionSpec& linkDir = add(QStringLiteral("ember_tsm_image_link_dir"), Kind::Path,
                              QStringLiteral("/dev"), QStringLiteral("Image link directory"),
                              QStringLiteral("Where the links for image backups of block "
                                             "devices are made."));
    linkDir.advanced = true;
    OptionSpec& timeout = add(QStringLiteral("ember_tsm_timeout_seconds"), Kind::Integer, 86400,
                              QStringLiteral("Timeout"),
                              QStringLiteral("Seconds after which a dsmc run is stopped."));
    timeout.minimum = 1;
    timeout.maximum = std::numeric_limits<int>::max();
    timeout.advanced = true;
    // The chunked backends' limits under the same names and rules; dsmc moves
    // the bytes itself, so they count what it reads or writes on this machine.
    options.append(bandwidthOptionSpecs(
        QStringLiteral("backups: the volume bytes dsmc reads (dsmc is paused while it is "
                       "ahead; shared by the backend's jobs in one Ember process)"),
        QStringLiteral("restores: the bytes dsmc writes to the target")));
    options.append(operationLimitOptionSpec());
    return options;
}

ConnectionReport tsmConnectionReport(const BackendConfig& config, const BackendSecrets& secrets)
{
    const TsmProbeResult probe = probeTsm(config, secrets);
    ConnectionReport report;
    report.checks.append({QStringLiteral("dsmc query session"), probe.ok, probe.message});
    for (const QString& detail : probe.details)
        report.facts.append(detail);
    if (!probe.serverName.isEmpty())
        report.facts.append(QStringLiteral("server: %1 (%2, %3)")
                                .arg(probe.serverName, probe.serverType, probe.serverVersion));
    if (!probe.nodeName.isEmpty())
        report.facts.append(QStringLiteral("node: %1").arg(probe.nodeName));
    if (!probe.dsmcPath.isEmpty())
        report.facts.append(
            QStringLiteral("client: %1 %2").arg(probe.dsmcPath, probe.clientVersion));
    return report;
}

} // namespace

BackendType tsmBackendType()
{
    BackendType type;
    type.type = QStringLiteral("tsm");
    type.displayName = QStringLiteral("IBM Spectrum Protect (TSM)");
    type.description = QStringLiteral("Backups on an IBM Spectrum Protect (TSM) server through "
                                      "IBM's dsmc client, as Cinder's TSM backup driver stores "
                                      "them.");
    type.options = tsmOptions();
    type.create = createTsmDriver;
    type.probe = tsmConnectionReport;
    if (findDsmc(QString()).isEmpty()) {
        type.available = false;
        type.unavailableReason =
            QStringLiteral("The IBM Spectrum Protect backup-archive client (dsmc) is not "
                           "installed: it is neither on PATH nor at %1.")
                .arg(DefaultDsmcPath);
    }
    return type;
}

std::unique_ptr<BackupDriver> createTsmDriver(const BackendConfig& config,
                                              const BackendSecrets& secrets)
{
    // A missing client is reported by each operation (and cannotBackup), so
    // backups can still be listed and exported without it.
    return std::make_unique<TsmBackupDriver>(settingsFrom(config, secrets));
}

TsmProbeResult probeTsm(const BackendConfig& config, const BackendSecrets& secrets)
{
    TsmProbeResult probe;
    TsmSettings settings;
    try {
        settings = settingsFrom(config, secrets);
    } catch (const Error& error) {
        probe.message = error.message();
        return probe;
    }
    probe.dsmcPath = settings.dsmcPath;
    if (settings.dsmcPath.isEmpty()) {
        probe.message = missingClientMessage(settings);
        return probe;
    }

    DsmcInvocation invocation;
    invocation.program = settings.dsmcPath;
    invocation.password = settings.password;
    invocation.timeoutSeconds = std::min(settings.timeoutSeconds, 120);
    invocation.arguments << QStringLiteral("query") << QStringLiteral("session");
    if (!settings.optfile.isEmpty())
        invocation.arguments << QStringLiteral("-optfile=%1").arg(settings.optfile);
    if (!settings.servername.isEmpty())
        invocation.arguments << QStringLiteral("-se=%1").arg(settings.servername);
    if (!settings.virtualNodename.isEmpty())
        invocation.arguments << QStringLiteral("-virtualnodename=%1").arg(settings.virtualNodename);
    if (!settings.asNodename.isEmpty())
        invocation.arguments << QStringLiteral("-asnodename=%1").arg(settings.asNodename);

    DsmcResult result;
    try {
        result = runDsmc(invocation);
    } catch (const Error& error) {
        probe.message = error.message();
        return probe;
    }
    const DsmcOutput& output = result.output;
    probe.details = output.errorLines + output.warningLines;

    static const QRegularExpression clientVersion(
        QStringLiteral("Client Version (\\d+), Release (\\d+), Level ([\\d.]+)"));
    const QRegularExpressionMatch client = clientVersion.match(result.rawOutput);
    if (client.hasMatch())
        probe.clientVersion = QStringLiteral("%1.%2.%3")
                                  .arg(client.captured(1), client.captured(2), client.captured(3));
    probe.serverName = output.value(QStringLiteral("Server Name"));
    probe.serverType = output.value(QStringLiteral("Server Type"));
    probe.serverVersion = output.value(QStringLiteral("Server Version"));
    probe.nodeName = output.value(QStringLiteral("Node Name"));
    // "Session established with server SERVER1: Linux/x86_64" when the
    // detailed block is missing.
    static const QRegularExpression established(
        QStringLiteral("Session established with server ([^:\\s]+):\\s*(\\S*)"));
    const QRegularExpressionMatch session = established.match(result.rawOutput);
    if (probe.serverName.isEmpty() && session.hasMatch())
        probe.serverName = session.captured(1);
    if (probe.serverType.isEmpty() && session.hasMatch())
        probe.serverType = session.captured(2);
    const QString deleteBackup = output.value(QStringLiteral("Delete Backup Files"));
    probe.deleteBackupAllowed = !deleteBackup.contains(QStringLiteral("No"), Qt::CaseInsensitive);

    const QString errors = output.errorLines.join(u' ');
    if (result.passwordMissing) {
        probe.message = QStringLiteral("dsmc asks for the node password, but none is stored for "
                                       "backend %1: set PASSWORDACCESS GENERATE in dsm.sys and "
                                       "store the password once, or save backup_tsm_password.")
                            .arg(settings.backendName);
    } else if (result.passwordRefused || output.hasMessage(QStringLiteral("ANS1025E"))) {
        probe.message = QStringLiteral("The TSM server refused the password of node %1 (%2). "
                                       "Check backup_tsm_password or the password stored by dsmc.")
                            .arg(probe.nodeName.isEmpty() ? QStringLiteral("?") : probe.nodeName,
                                 errors.isEmpty() ? QStringLiteral("ANS1025E") : errors);
    } else if (output.hasMessage(QStringLiteral("ANS1017E")) ||
               output.hasMessage(QStringLiteral("ANS1029E"))) {
        probe.message =
            QStringLiteral("The TSM server cannot be reached (%1). Check "
                           "TCPServeraddress and TCPPort in dsm.sys%2 and that the "
                           "server is running.")
                .arg(errors, settings.servername.isEmpty()
                                 ? QString()
                                 : QStringLiteral(" (stanza %1)").arg(settings.servername));
    } else if (result.timedOut) {
        probe.message = QStringLiteral("dsmc query session did not answer within %1 seconds.")
                            .arg(invocation.timeoutSeconds);
    } else if ((result.exitCode == 0 || result.exitCode == 4) && !probe.serverName.isEmpty()) {
        probe.ok = true;
        probe.message = QStringLiteral("Connected to TSM server %1 (%2%3) as node %4.")
                            .arg(probe.serverName, probe.serverType,
                                 probe.serverVersion.isEmpty()
                                     ? QString()
                                     : QStringLiteral(", %1").arg(probe.serverVersion),
                                 probe.nodeName.isEmpty() ? QStringLiteral("?") : probe.nodeName);
        if (!probe.deleteBackupAllowed)
            probe.message +=
                QStringLiteral(" The server does not let this node delete backups "
                               "(Delete Backup Files: No): deleting backups will fail.");
    } else {
        probe.message =
            QStringLiteral("dsmc query session failed (%1)%2")
                .arg(describeReturnCode(result.exitCode),
                     errors.isEmpty() ? QStringLiteral(".") : QStringLiteral(": ") + errors);
    }
    return probe;
}

} // namespace ember
