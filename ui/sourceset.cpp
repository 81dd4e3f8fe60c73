#include "sourceset.h"

#include "appcontext.h"
#include "backuptreemodel.h"
#include "cloudsource.h"
#include "volumemodel.h"

#ifdef EMBER_HAVE_SECRETS
#include "secretstore.h"
#endif

namespace ember::ui {

namespace {

// The key the cloud wizard keeps a cloud's secret under.
const QString CloudSecretKey = QStringLiteral("secret");

QString cloudId(const QString& name)
{
    return QStringLiteral("cloud:") + name;
}

} // namespace

SourceSet& SourceSet::of(AppContext& context)
{
    if (auto* existing = context.findChild<SourceSet*>(QString(), Qt::FindDirectChildrenOnly))
        return *existing;
    auto* set = new SourceSet(context);
    set->reloadClouds();
    return *set;
}

SourceSet::SourceSet(AppContext& context) : QObject(&context), m_context(context)
{
    setObjectName(QStringLiteral("sourceSet"));
    auto local = std::make_unique<Entry>();
    local->id = LocalId;
    local->name = tr("This computer");
    local->volumes = &context.volumeModel();
    m_entries.push_back(std::move(local));
#ifdef EMBER_HAVE_SECRETS
    m_secrets = new SecretStore(this);
    connect(m_secrets, &SecretStore::readFinished, this, &SourceSet::secretRead);
    connect(m_secrets, &SecretStore::warning, this,
            [](const QString& message) { qWarning("%s", qPrintable(message)); });
#endif
}

SourceSet::~SourceSet()
{
    // The sources stop their workers before the models they feed go.
    for (const auto& entry : m_entries)
        delete entry->source.data();
}

void SourceSet::reloadClouds()
{
    m_warnings.clear();
    QList<cloud::CloudProfile> clouds;
    try {
        clouds = cloud::loadClouds({}, &m_warnings);
    } catch (const std::exception& error) {
        m_warnings.append(QString::fromUtf8(error.what()));
    }
    for (const cloud::CloudProfile& profile : std::as_const(clouds)) {
        Entry* known = entry(cloudId(profile.name));
        if (known) {
            if (!known->source)
                known->profile = profile; // the entry may have been edited
            continue;
        }
        auto fresh = std::make_unique<Entry>();
        fresh->id = cloudId(profile.name);
        fresh->name = profile.name;
        fresh->profile = profile;
        m_entries.push_back(std::move(fresh));
    }
    Q_EMIT entriesChanged();
}

QList<SourceSet::Entry*> SourceSet::entries() const
{
    QList<Entry*> all;
    for (const auto& entry : m_entries)
        all.append(entry.get());
    return all;
}

SourceSet::Entry* SourceSet::entry(const QString& id) const
{
    for (const auto& entry : m_entries)
        if (entry->id == id)
            return entry.get();
    return nullptr;
}

SourceSet::Entry* SourceSet::addCloud(const cloud::CloudProfile& profile)
{
    Entry* known = entry(cloudId(profile.name));
    if (!known) {
        m_entries.push_back(std::make_unique<Entry>());
        known = m_entries.back().get();
        known->id = cloudId(profile.name);
        known->name = profile.name;
    }
    if (!known->source)
        known->profile = profile;
    Q_EMIT entriesChanged();
    return known;
}

SourceSet::Entry* SourceSet::addSource(Source* source)
{
    Entry* existing = entry(source->id());
    if (!existing) {
        m_entries.push_back(std::make_unique<Entry>());
        existing = m_entries.back().get();
        existing->id = source->id();
    }
    existing->name = source->displayName();
    delete existing->source.data();
    attach(*existing, source);
    Q_EMIT entriesChanged();
    return existing;
}

void SourceSet::open(const QString& id)
{
    Entry* target = entry(id);
    if (!target || target->id == LocalId)
        return;
    if (target->source) {
        Q_EMIT sourceOpened(id);
        return;
    }
    if (target->opening || !target->profile)
        return;
    const cloud::CloudProfile& profile = *target->profile;
    if (profile.secretInKeyring && profile.secret().isEmpty()) {
#ifdef EMBER_HAVE_SECRETS
        target->opening = true;
        target->problem.clear();
        m_secrets->read(profile.keyringName(), CloudSecretKey);
#else
        target->problem = tr("The secret of %1 is kept in the keyring, but this build has no "
                             "keyring support.")
                              .arg(profile.name);
        Q_EMIT sourceProblem(id, target->problem);
#endif
        return;
    }
    makeCloudSource(*target, profile);
}

void SourceSet::secretRead(const ember::SecretResult& result)
{
    for (const auto& candidate : m_entries) {
        Entry& target = *candidate;
        if (!target.opening || !target.profile ||
            target.profile->keyringName() != result.backendName)
            continue;
        target.opening = false;
        if (!result.ok || !result.found) {
            target.problem = result.ok
                                 ? tr("The keyring has no secret for %1: connect to it again with "
                                      "“Connect to an OpenStack cloud…”.")
                                       .arg(target.name)
                                 : tr("The secret of %1 could not be read from the keyring: %2")
                                       .arg(target.name, result.error);
            Q_EMIT sourceProblem(target.id, target.problem);
            return;
        }
        cloud::CloudProfile profile = *target.profile;
        profile.setSecret(result.value);
        makeCloudSource(target, profile);
        return;
    }
}

void SourceSet::makeCloudSource(Entry& target, const cloud::CloudProfile& profile)
{
    target.problem.clear();
    attach(target, new CloudSource(profile));
    Q_EMIT sourceOpened(target.id);
}

void SourceSet::attach(Entry& target, Source* source)
{
    source->setParent(this);
    source->setJobRunner(&m_context.runner());
    target.source = source;
    if (!target.volumes)
        target.volumes = new VolumeModel(this);
    if (!target.backups)
        target.backups = new BackupTreeModel(this);
    VolumeModel* volumes = target.volumes;
    BackupTreeModel* backups = target.backups;
    const QString id = target.id;
    connect(source, &Source::snapshotChanged, this, [this, source, volumes, backups, id] {
        const auto snapshot = source->snapshot();
        volumes->apply(*snapshot);
        backups->apply(*snapshot);
        if (Entry* known = entry(id))
            known->problem.clear();
    });
    connect(source, &Source::loadFailed, this, [this, id](const QString& message) {
        if (Entry* known = entry(id))
            known->problem = message;
    });
    connect(source, &Source::loadProgress, this, [this, id](qint64 loaded, qint64 total) {
        if (Entry* known = entry(id)) {
            known->loaded = loaded;
            known->total = total;
        }
    });
    if (source->hasSnapshot()) {
        volumes->apply(*source->snapshot());
        backups->apply(*source->snapshot());
    }
    source->start();
}

} // namespace ember::ui
