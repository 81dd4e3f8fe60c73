#include "retentiondialogs.h"

#include "backendregistry.h"
#include "backupdialogs.h"
#include "itemroles.h"
#include "problemlabel.h"
#include "statusstyle.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHelpEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QSet>
#include <QSpinBox>
#include <QTableWidget>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ember::ui {

bool deletesInAnyOrder(const std::optional<BackendConfig>& backend)
{
    // A backend that keeps each backup as a snapshot of its own (Ceph): any of
    // them can go, the later ones take over its parent.
    if (!backend)
        return false;
    const BackendType* type = findBackendType(backend->type);
    return type && type->capabilities.managesSourceSnapshots;
}

QString anyOrderDeleteNote()
{
    return QCoreApplication::translate(
        "Retention",
        "On Ceph every backup is a snapshot of one base image, and an incremental holds only "
        "its own snapshot's changes. Any backup can be deleted without harming the later "
        "ones: they take over its parent, so no synthetic full is needed first.");
}

QString fateText(BackupFate fate)
{
    switch (fate) {
    case BackupFate::Kept:
        return QCoreApplication::translate("Retention", "kept");
    case BackupFate::Protected:
        return QCoreApplication::translate("Retention", "protected");
    case BackupFate::Needed:
        return QCoreApplication::translate("Retention", "needed by a kept backup");
    case BackupFate::SynthesizeFirst:
        return QCoreApplication::translate("Retention", "synthetic full first, then removed");
    case BackupFate::Removed:
        return QCoreApplication::translate("Retention", "removed");
    case BackupFate::NotCounted:
        return QCoreApplication::translate("Retention", "not counted (not available)");
    }
    return {};
}

QColor fateColor(BackupFate fate)
{
    switch (fate) {
    case BackupFate::Kept:
        return QColor(0x2e, 0x7d, 0x32); // green
    case BackupFate::Protected:
        return QColor(0x6a, 0x1b, 0x9a); // violet, as the padlock
    case BackupFate::Needed:
        return QColor(0x15, 0x65, 0xc0); // blue
    case BackupFate::SynthesizeFirst:
        return QColor(0xef, 0x6c, 0x00); // orange
    case BackupFate::Removed:
        return QColor(0xc6, 0x28, 0x28); // red
    case BackupFate::NotCounted:
        return QColor(0x9e, 0x9e, 0x9e); // grey
    }
    return {};
}

QList<RetentionItem> retentionItems(const QList<Backup>& backups)
{
    QList<RetentionItem> items;
    items.reserve(backups.size());
    for (const Backup& backup : backups)
        items.append(retentionItem(backup));
    return items;
}

QHash<QString, BackupFate> fatesUnder(const QList<Backup>& backups, const PrunePlan& plan)
{
    QHash<QString, const RetentionDecision*> decisions;
    for (const RetentionDecision& decision : plan.decisions)
        decisions.insert(decision.id, &decision);
    const QStringList synthesized = plan.synthesized();
    const QSet<QString> replaced(synthesized.begin(), synthesized.end());
    const QStringList removedIds = plan.removed();
    const QSet<QString> removed(removedIds.begin(), removedIds.end());
    QHash<QString, BackupFate> fates;
    for (const Backup& backup : backups) {
        const RetentionDecision* decision = decisions.value(backup.id);
        BackupFate fate = BackupFate::NotCounted;
        if (!decision)
            fate = BackupFate::NotCounted;
        else if (decision->keep)
            fate = decision->reasons.contains(KeepReason::Protected) ? BackupFate::Protected
                                                                     : BackupFate::Kept;
        else if (replaced.contains(backup.id))
            fate = BackupFate::SynthesizeFirst;
        else if (removed.contains(backup.id))
            fate = BackupFate::Removed;
        else
            fate = BackupFate::Needed; // dropped, but the plan leaves it in place
        fates.insert(backup.id, fate);
    }
    return fates;
}

// ---------------------------------------------------------------- timeline

namespace {

constexpr int laneHeight = 30;
constexpr int chainGap = 10;
constexpr int sideMargin = 18;
constexpr int topMargin = 14;
constexpr int axisHeight = 34;
constexpr double fullRadius = 8.0;
constexpr double incrementalRadius = 5.5;

// The marker of a fate: its shape says it even without colour.
void drawMarker(QPainter& painter, const QPointF& center, double radius, BackupFate fate)
{
    const QColor color = fateColor(fate);
    painter.save();
    painter.setPen(QPen(color.darker(140), 1.4));
    painter.setBrush(color);
    switch (fate) {
    case BackupFate::Kept:
        painter.drawEllipse(center, radius, radius);
        break;
    case BackupFate::Protected: {
        painter.drawEllipse(center, radius, radius);
        // The padlock above the marker.
        const QIcon lock = protectedIcon();
        const int size = 12;
        painter.drawPixmap(QPointF(center.x() - size / 2.0, center.y() - radius - size - 1),
                           lock.pixmap(size, size));
        break;
    }
    case BackupFate::Needed:
        painter.drawRect(QRectF(center.x() - radius, center.y() - radius, 2 * radius, 2 * radius));
        break;
    case BackupFate::SynthesizeFirst: {
        QPainterPath diamond;
        const double r = radius * 1.25;
        diamond.moveTo(center.x(), center.y() - r);
        diamond.lineTo(center.x() + r, center.y());
        diamond.lineTo(center.x(), center.y() + r);
        diamond.lineTo(center.x() - r, center.y());
        diamond.closeSubpath();
        painter.drawPath(diamond);
        break;
    }
    case BackupFate::Removed: {
        painter.setBrush(Qt::white);
        painter.drawEllipse(center, radius, radius);
        painter.setPen(QPen(color, 1.8));
        const double r = radius * 0.6;
        painter.drawLine(QPointF(center.x() - r, center.y() - r),
                         QPointF(center.x() + r, center.y() + r));
        painter.drawLine(QPointF(center.x() - r, center.y() + r),
                         QPointF(center.x() + r, center.y() - r));
        break;
    }
    case BackupFate::NotCounted:
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(color, 1.4, Qt::DotLine));
        painter.drawEllipse(center, radius, radius);
        break;
    }
    painter.restore();
}

const QList<BackupFate>& legendFates()
{
    static const QList<BackupFate> fates{BackupFate::Kept,    BackupFate::Protected,
                                         BackupFate::Needed,  BackupFate::SynthesizeFirst,
                                         BackupFate::Removed, BackupFate::NotCounted};
    return fates;
}

} // namespace

RetentionTimeline::RetentionTimeline(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("retentionTimeline"));
    setMouseTracking(true);
    setAutoFillBackground(true);
    QPalette palette = this->palette();
    palette.setColor(QPalette::Window, Qt::white);
    setPalette(palette);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void RetentionTimeline::setBackups(const QList<Backup>& backups)
{
    m_markers.clear();
    m_index.clear();
    QList<Backup> sorted = backups;
    std::sort(sorted.begin(), sorted.end(),
              [](const Backup& a, const Backup& b) { return retentionTime(a) < retentionTime(b); });
    for (const Backup& backup : std::as_const(sorted)) {
        m_index.insert(backup.id, static_cast<int>(m_markers.size()));
        m_markers.append({backup, retentionTime(backup), 0, 0, {}});
    }
    // Lanes: every chain starts a new one; a backup's first child continues
    // its parent's lane, later siblings (branches) get lanes of their own.
    QHash<QString, QList<int>> children;
    QList<int> roots;
    for (int i = 0; i < m_markers.size(); ++i) {
        const QString parent = m_markers[i].backup.parentId;
        if (!parent.isEmpty() && m_index.contains(parent))
            children[parent].append(i);
        else
            roots.append(i);
    }
    m_lanes = 0;
    m_chainLanes.clear();
    m_chainTitles.clear();
    for (int chain = 0; chain < roots.size(); ++chain) {
        const int firstLane = m_lanes;
        QList<QPair<int, int>> pending{{roots[chain], m_lanes++}};
        while (!pending.isEmpty()) {
            const auto [marker, lane] = pending.takeFirst();
            m_markers[marker].lane = lane;
            m_markers[marker].chain = chain;
            const QList<int>& kids = children.value(m_markers[marker].backup.id);
            for (int k = 0; k < kids.size(); ++k)
                pending.prepend({kids[k], k == 0 ? lane : m_lanes++});
        }
        m_chainLanes.append({firstLane, m_lanes - firstLane});
    }
    for (int chain = 0; chain < roots.size(); ++chain) {
        const Marker& first = m_markers[roots[chain]];
        const auto size = std::count_if(m_markers.begin(), m_markers.end(),
                                        [chain](const Marker& m) { return m.chain == chain; });
        const QString date =
            locale().toString(first.takenAt.toLocalTime().date(), QStringLiteral("d MMM yyyy"));
        m_chainTitles.append(
            (first.backup.isIncremental()
                 ? tr("Chain %1: from an incremental of %2 (its parent is not shown), %n backup(s)",
                      "", static_cast<int>(size))
                 : tr("Chain %1: full of %2, %n backup(s)", "", static_cast<int>(size)))
                .arg(chain + 1)
                .arg(date));
    }
    m_from = m_markers.isEmpty() ? QDateTime() : m_markers.first().takenAt;
    m_to = m_markers.isEmpty() ? QDateTime() : m_markers.last().takenAt;
    if (m_from.isValid() && m_from.secsTo(m_to) < 3600) {
        m_from = m_from.addSecs(-1800);
        m_to = m_to.addSecs(1800);
    }
    // Every backup counts as kept until a plan says otherwise.
    m_fates.clear();
    m_reasons.clear();
    updateGeometry();
    layoutMarkers();
    update();
}

void RetentionTimeline::setPlan(const PrunePlan& plan)
{
    QList<Backup> backups;
    for (const Marker& marker : std::as_const(m_markers))
        backups.append(marker.backup);
    m_fates = fatesUnder(backups, plan);
    m_reasons.clear();
    for (const RetentionDecision& decision : plan.decisions) {
        if (!decision.keep)
            continue;
        QStringList rules;
        for (KeepReason reason : decision.reasons)
            rules.append(ember::toString(reason));
        m_reasons.insert(decision.id, rules.join(QStringLiteral(", ")));
    }
    for (const PruneStep& step : plan.steps)
        if (!step.reason.isEmpty() && !m_reasons.contains(step.backupId))
            m_reasons.insert(step.backupId, step.reason);
    update();
}

QString RetentionTimeline::explanation(const QString& backupId) const
{
    const int at = m_index.value(backupId, -1);
    if (at < 0)
        return {};
    const Marker& marker = m_markers[at];
    const Backup& backup = marker.backup;
    const BackupFate fate = m_fates.value(backupId, BackupFate::NotCounted);
    QStringList lines{backupLabel(backup), tr("taken %1").arg(formatTime(marker.takenAt)),
                      backup.isIncremental() ? tr("incremental") : tr("full backup")};
    QString what = fateText(fate);
    switch (fate) {
    case BackupFate::Kept:
    case BackupFate::Protected:
        if (const QString rules = m_reasons.value(backupId); !rules.isEmpty())
            what = tr("%1 by: %2").arg(what, rules);
        break;
    case BackupFate::Needed:
        what = tr("kept: no rule keeps it, but a kept backup depends on it");
        break;
    case BackupFate::SynthesizeFirst:
        what = tr("no rule keeps it, but kept backups build on it: a synthetic full of its "
                  "state is written, its incrementals move onto that, then it is removed");
        break;
    case BackupFate::Removed:
        what = tr("removed: no rule keeps it");
        if (const QString reason = m_reasons.value(backupId); !reason.isEmpty())
            what += QStringLiteral(" (") + reason + QLatin1Char(')');
        break;
    case BackupFate::NotCounted:
        what = tr("not counted: its status is %1").arg(statusText(backup.status));
        break;
    }
    lines.append(what);
    return lines.join(QLatin1Char('\n'));
}

QPointF RetentionTimeline::markerCenter(const QString& backupId) const
{
    const int at = m_index.value(backupId, -1);
    return at < 0 ? QPointF() : m_markers[at].center;
}

QSize RetentionTimeline::sizeHint() const
{
    const int lanes = qMax(1, m_lanes);
    const int chains = static_cast<int>(m_chainLanes.size());
    return {900, topMargin + lanes * laneHeight + chains * (chainGap + chainTitleHeight()) +
                     axisHeight + legendHeight()};
}

QSize RetentionTimeline::minimumSizeHint() const
{
    return {480, topMargin + laneHeight + axisHeight + legendHeight()};
}

int RetentionTimeline::chainTitleHeight() const
{
    return fontMetrics().height() + 4;
}

int RetentionTimeline::legendHeight() const
{
    return 2 * (fontMetrics().height() + 8) + 6;
}

QRectF RetentionTimeline::plotArea() const
{
    return QRectF(sideMargin, topMargin, width() - 2 * sideMargin,
                  height() - topMargin - axisHeight - legendHeight());
}

double RetentionTimeline::xFor(const QDateTime& time) const
{
    const QRectF area = plotArea();
    const double inner = area.width() - 2 * fullRadius - 4;
    const qint64 span = qMax<qint64>(1, m_from.msecsTo(m_to));
    return area.left() + fullRadius + 2 + inner * double(m_from.msecsTo(time)) / double(span);
}

void RetentionTimeline::layoutMarkers()
{
    const QRectF area = plotArea();
    // Lanes share the height, but never spread further apart than needed;
    // what is left over goes above and below.
    const int chains = static_cast<int>(m_chainLanes.size());
    const double fixed = chains * chainTitleHeight() + chainGap * qMax(0, chains - 1);
    const double lane =
        qBound(18.0, (area.height() - fixed) / qMax(1, m_lanes), double(laneHeight) * 2);
    const double used = fixed + lane * m_lanes;
    double top = area.top() + qMax(0.0, (area.height() - used) / 2);
    m_chainBands.clear();
    for (int chain = 0; chain < chains; ++chain) {
        const double height = chainTitleHeight() + lane * m_chainLanes[chain].second;
        m_chainBands.append(QRectF(area.left(), top, area.width(), height));
        top += height + chainGap;
    }
    for (Marker& marker : m_markers) {
        const QRectF band = m_chainBands.value(marker.chain);
        const int laneInChain = marker.lane - m_chainLanes.value(marker.chain).first;
        const double y = band.top() + chainTitleHeight() + (laneInChain + 0.5) * lane;
        marker.center = QPointF(xFor(marker.takenAt), y);
    }
}

void RetentionTimeline::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    layoutMarkers();
}

QString RetentionTimeline::hitTest(const QPointF& position) const
{
    QString best;
    double bestDistance = fullRadius + 4;
    for (const Marker& marker : m_markers) {
        const double distance = QLineF(marker.center, position).length();
        if (distance <= bestDistance) {
            bestDistance = distance;
            best = marker.backup.id;
        }
    }
    return best;
}

bool RetentionTimeline::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString id = hitTest(help->pos());
        if (id.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), explanation(id), this);
        return true;
    }
    return QWidget::event(event);
}

void RetentionTimeline::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF area = plotArea();
    const QFontMetrics metrics = fontMetrics();

    if (m_markers.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(area, Qt::AlignCenter, tr("This volume has no backups yet."));
    } else {
        // A shaded band per chain, its title on top.
        const QColor band(0xf1, 0xf4, 0xf8);
        for (int chain = 0; chain < m_chainBands.size(); ++chain) {
            const QRectF rect = m_chainBands[chain];
            painter.fillRect(rect, band);
            painter.setPen(QColor(0x61, 0x61, 0x61));
            painter.drawText(QPointF(rect.left() + 6, rect.top() + 2 + metrics.ascent()),
                             m_chainTitles.value(chain));
        }

        // The time axis with ticks at whole months, days or hours.
        const double axisY = area.bottom() + 4;
        painter.setPen(QPen(QColor(0x75, 0x75, 0x75), 1));
        painter.drawLine(QPointF(area.left(), axisY), QPointF(area.right(), axisY));
        const QDateTime from = m_from.toLocalTime();
        const QDateTime to = m_to.toLocalTime();
        const qint64 days = from.daysTo(to);
        QList<QDateTime> ticks;
        QString format;
        if (days > 75) {
            const int step = days > 900 ? 6 : days > 450 ? 3 : days > 200 ? 2 : 1;
            QDate month(from.date().year(), from.date().month(), 1);
            for (month = month.addMonths(1); month.startOfDay() <= to;
                 month = month.addMonths(step))
                ticks.append(month.startOfDay());
            format = QStringLiteral("MMM yyyy");
        } else if (days >= 2) {
            const int step = std::max<int>(1, int(std::ceil(days / 10.0)));
            for (QDate day = from.date().addDays(1); day.startOfDay() <= to;
                 day = day.addDays(step))
                ticks.append(day.startOfDay());
            format = QStringLiteral("d MMM");
        } else {
            const qint64 hours = qMax<qint64>(1, from.secsTo(to) / 3600);
            const int step = std::max<int>(1, int(std::ceil(hours / 8.0)));
            QDateTime hour(from.date(), QTime(from.time().hour(), 0));
            for (hour = hour.addSecs(3600); hour <= to; hour = hour.addSecs(3600 * step))
                ticks.append(hour);
            format = QStringLiteral("d MMM HH:mm");
        }
        double lastLabelEnd = -1e9;
        for (const QDateTime& tick : std::as_const(ticks)) {
            const double x = xFor(tick.toUTC());
            painter.setPen(QPen(QColor(0xe0, 0xe0, 0xe0), 1, Qt::DotLine));
            painter.drawLine(QPointF(x, area.top()), QPointF(x, axisY));
            painter.setPen(QPen(QColor(0x75, 0x75, 0x75), 1));
            painter.drawLine(QPointF(x, axisY), QPointF(x, axisY + 4));
            const QString label = locale().toString(tick, format);
            const double labelWidth = metrics.horizontalAdvance(label);
            const double left = qBound(area.left(), x - labelWidth / 2, area.right() - labelWidth);
            if (left < lastLabelEnd + 8)
                continue;
            painter.drawText(QPointF(left, axisY + 6 + metrics.ascent()), label);
            lastLabelEnd = left + labelWidth;
        }

        // Parent-child links: straight along a lane, an elbow to a branch's
        // lane. Links into a backup that goes are dashed.
        for (const Marker& marker : std::as_const(m_markers)) {
            const int parent = m_index.value(marker.backup.parentId, -1);
            if (parent < 0)
                continue;
            const QPointF from = m_markers[parent].center;
            const QPointF to = marker.center;
            const BackupFate fate = m_fates.value(marker.backup.id, BackupFate::Kept);
            const bool goes = fate == BackupFate::Removed || fate == BackupFate::SynthesizeFirst;
            painter.setPen(
                QPen(QColor(0x78, 0x90, 0x9c), 1.6, goes ? Qt::DashLine : Qt::SolidLine));
            QPainterPath path(from);
            if (qFuzzyCompare(from.y(), to.y())) {
                path.lineTo(to);
            } else {
                path.lineTo(from.x() + 6, from.y());
                path.lineTo(from.x() + 6, to.y());
                path.lineTo(to);
            }
            painter.setBrush(Qt::NoBrush);
            painter.drawPath(path);
        }
        for (const Marker& marker : std::as_const(m_markers)) {
            const BackupFate fate =
                m_fates.value(marker.backup.id, marker.backup.status == BackupStatus::Available
                                                    ? BackupFate::Kept
                                                    : BackupFate::NotCounted);
            drawMarker(painter, marker.center,
                       marker.backup.isIncremental() ? incrementalRadius : fullRadius, fate);
        }
    }

    // The legend: every fate, then what the sizes mean.
    const int rowHeight = metrics.height() + 8;
    double x = sideMargin;
    double y = height() - legendHeight() + 4;
    painter.setPen(palette().color(QPalette::WindowText));
    auto place = [&](double width) {
        if (x + width > this->width() - sideMargin && x > sideMargin) {
            x = sideMargin;
            y += rowHeight;
        }
    };
    for (BackupFate fate : legendFates()) {
        const QString text = fateText(fate);
        const double width = 22 + metrics.horizontalAdvance(text) + 18;
        place(width);
        drawMarker(painter, QPointF(x + 8, y + rowHeight / 2.0), incrementalRadius + 0.5, fate);
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QPointF(x + 20, y + rowHeight / 2.0 + metrics.ascent() / 2.0 - 1), text);
        x += width;
    }
    const QString sizes =
        tr("large marker: full backup · small: incremental · line: parent to child");
    place(metrics.horizontalAdvance(sizes) + 10);
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(QPointF(x, y + rowHeight / 2.0 + metrics.ascent() / 2.0 - 1), sizes);
}

// ---------------------------------------------------------------- synthesize

SynthesizeDialog::SynthesizeDialog(const Backup& backup, bool anyOrderDelete, QWidget* parent)
    : QDialog(parent), m_backup(backup)
{
    setObjectName(QStringLiteral("synthesizeDialog"));
    setWindowTitle(tr("Synthesize Full Backup"));
    setWindowModality(Qt::WindowModal);
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(
        tr("A new full backup holding the state of <b>%1</b>, built from its chain's stored "
           "objects without reading the volume, in the same backend, compression and Cinder "
           "format. The incrementals taken on top of it can move onto the new full, which "
           "leaves the older part of the chain deletable, newest first.")
            .arg(backupLabel(backup).toHtmlEscaped()),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    if (anyOrderDelete) {
        auto* note = new QLabel(anyOrderDeleteNote(), this);
        note->setObjectName(QStringLiteral("anyOrderNote"));
        note->setWordWrap(true);
        note->setStyleSheet(QStringLiteral("color: #1565c0"));
        layout->addWidget(note);
    }

    auto* form = new QFormLayout;
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("name"));
    m_name->setPlaceholderText(tr("synthetic full of %1").arg(backupLabel(backup)));
    form->addRow(tr("&Name:"), m_name);
    m_move = new QCheckBox(tr("&Move the incrementals taken on it onto the new full"), this);
    m_move->setObjectName(QStringLiteral("moveChildren"));
    m_move->setChecked(true);
    form->addRow(QString(), m_move);
    layout->addLayout(form);

    auto makeList = [this](const char* name) {
        auto* list = new QListWidget(this);
        list->setObjectName(QLatin1String(name));
        list->setSelectionMode(QAbstractItemView::NoSelection);
        list->setMinimumHeight(70);
        return list;
    };
    auto* lists = new QGridLayout;
    m_chain = makeList("chainList");
    m_moving = makeList("movingList");
    m_deletable = makeList("deletableList");
    lists->addWidget(new QLabel(tr("The chain (full first):"), this), 0, 0);
    lists->addWidget(m_chain, 1, 0);
    lists->addWidget(new QLabel(tr("Move onto the new full:"), this), 0, 1);
    lists->addWidget(m_moving, 1, 1);
    lists->addWidget(new QLabel(tr("Deletable afterwards (newest first):"), this), 0, 2);
    lists->addWidget(m_deletable, 1, 2);
    layout->addLayout(lists, 1);

    m_status = new QLabel(tr("Reading what would move…"), this);
    m_status->setObjectName(QStringLiteral("previewStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_problem = problemLabel(this);
    layout->addWidget(m_problem);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Synthesize"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);
    connect(m_move, &QCheckBox::toggled, this, &SynthesizeDialog::update);
    resize(820, 420);
    update();
}

QPushButton* SynthesizeDialog::okButton() const
{
    return m_buttons->button(QDialogButtonBox::Ok);
}

void SynthesizeDialog::setPreview(const BackupService::SynthesisPreview& preview)
{
    m_preview = preview;
    m_error.clear();
    update();
}

void SynthesizeDialog::setPreviewError(const QString& message)
{
    m_preview.reset();
    m_error = message;
    update();
}

QString SynthesizeDialog::name() const
{
    return m_name->text().trimmed();
}

bool SynthesizeDialog::moveChildren() const
{
    return m_move->isChecked();
}

void SynthesizeDialog::update()
{
    auto fill = [](QListWidget* list, const QList<Backup>& backups) {
        list->clear();
        for (const Backup& backup : backups) {
            auto* item = new QListWidgetItem(backupLabel(backup), list);
            item->setData(IdRole, backup.id);
            item->setToolTip(backup.id);
            if (backup.isProtected)
                item->setIcon(protectedIcon());
        }
    };
    if (!m_preview) {
        fill(m_chain, {});
        fill(m_moving, {});
        fill(m_deletable, {});
        if (!m_error.isEmpty())
            m_status->setText(tr("The preview could not be read."));
        m_problem->setText(m_error);
        m_problem->setVisible(!m_error.isEmpty());
        okButton()->setEnabled(false);
        return;
    }
    fill(m_chain, m_preview->chain);
    const bool move = moveChildren();
    fill(m_moving, move ? m_preview->moving : QList<Backup>());
    fill(m_deletable, move ? m_preview->becomeDeletable : QList<Backup>());
    QString status;
    if (!move)
        status = tr("Without moving the incrementals, the new full stands beside the chain and "
                    "nothing becomes deletable.");
    else if (m_preview->moving.isEmpty())
        status = tr("Nothing was taken on this backup, so nothing moves.");
    else
        status = tr("%n backup(s) move onto the new full; %1 can then be deleted.", "",
                    static_cast<int>(m_preview->moving.size()))
                     .arg(m_preview->becomeDeletable.size());
    m_status->setText(status);
    m_problem->setText(m_preview->refusal);
    m_problem->setVisible(!m_preview->refusal.isEmpty());
    okButton()->setEnabled(m_preview->refusal.isEmpty());
}

// ---------------------------------------------------------------- policy

RetentionPolicyDialog::RetentionPolicyDialog(const Volume& volume, const QList<Backup>& backups,
                                             const QString& backendName, bool anyOrderDelete,
                                             QWidget* parent)
    : QDialog(parent), m_volume(volume), m_backups(backups), m_backendName(backendName),
      m_anyOrderDelete(anyOrderDelete)
{
    setObjectName(QStringLiteral("retentionPolicyDialog"));
    setWindowTitle(tr("Retention Policy of %1").arg(volume.name));
    setWindowModality(Qt::WindowModal);
    auto* layout = new QVBoxLayout(this);

    auto* rules = new QGroupBox(tr("Keep"), this);
    auto* grid = new QGridLayout(rules);
    const QString labels[6] = {tr("the &last"), tr("&hourly"),  tr("&daily"),
                               tr("&weekly"),   tr("&monthly"), tr("&yearly")};
    const char* names[6] = {"keepLast",   "keepHourly",  "keepDaily",
                            "keepWeekly", "keepMonthly", "keepYearly"};
    const QString tips[6] = {
        tr("The N newest backups"),
        tr("For the last N hours that have backups, the newest of each hour"),
        tr("For the last N days that have backups, the newest of each day"),
        tr("For the last N weeks (ISO weeks) that have backups, the newest of each week"),
        tr("For the last N months that have backups, the newest of each month"),
        tr("For the last N years that have backups, the newest of each year")};
    for (int i = 0; i < 6; ++i) {
        auto* spin = new QSpinBox(rules);
        spin->setObjectName(QLatin1String(names[i]));
        spin->setRange(-1, 100000);
        spin->setSpecialValueText(tr("not set"));
        spin->setValue(-1);
        spin->setToolTip(tips[i]);
        auto* label = new QLabel(labels[i], rules);
        label->setBuddy(spin);
        grid->addWidget(label, i / 3, (i % 3) * 2);
        grid->addWidget(spin, i / 3, (i % 3) * 2 + 1);
        m_spins[i] = spin;
        connect(spin, &QSpinBox::valueChanged, this, &RetentionPolicyDialog::recompute);
    }
    m_within = new QLineEdit(rules);
    m_within->setObjectName(QStringLiteral("keepWithin"));
    m_within->setPlaceholderText(tr("e.g. 30d or 1y6m"));
    m_within->setToolTip(tr("Every backup taken within this span of the newest one: years (y), "
                            "months (m), days (d), hours (h), e.g. 2y5m7d3h"));
    auto* withinLabel = new QLabel(tr("within &span:"), rules);
    withinLabel->setBuddy(m_within);
    grid->addWidget(withinLabel, 2, 0);
    grid->addWidget(m_within, 2, 1, 1, 3);
    connect(m_within, &QLineEdit::textChanged, this, &RetentionPolicyDialog::recompute);

    m_useDefault = new QCheckBox(tr("Use the backend default"), this);
    m_useDefault->setObjectName(QStringLiteral("useBackendDefault"));
    m_useDefault->setEnabled(false);
    connect(m_useDefault, &QCheckBox::toggled, this, [this](bool useDefault) {
        if (useDefault)
            fillFields(m_policies.backendPolicy);
        for (QSpinBox* spin : m_spins)
            spin->setEnabled(!useDefault && m_loaded);
        m_within->setEnabled(!useDefault && m_loaded);
        recompute();
    });
    layout->addWidget(m_useDefault);
    layout->addWidget(rules);
    auto* note = new QLabel(tr("Options add up (a backup any of them keeps stays). Protected "
                               "backups are always kept; no option set keeps everything."),
                            this);
    note->setWordWrap(true);
    layout->addWidget(note);
    if (anyOrderDelete) {
        auto* ceph = new QLabel(anyOrderDeleteNote(), this);
        ceph->setObjectName(QStringLiteral("anyOrderNote"));
        ceph->setWordWrap(true);
        ceph->setStyleSheet(QStringLiteral("color: #1565c0"));
        layout->addWidget(ceph);
    }

    m_timeline = new RetentionTimeline(this);
    m_timeline->setBackups(backups);
    layout->addWidget(m_timeline, 1);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("summary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_problem = problemLabel(this);
    m_problem->hide();
    layout->addWidget(m_problem);

    auto* buttons = new QDialogButtonBox(this);
    m_save = buttons->addButton(tr("&Save Policy"), QDialogButtonBox::AcceptRole);
    m_save->setObjectName(QStringLiteral("savePolicyButton"));
    m_prune = buttons->addButton(tr("&Prune Now…"), QDialogButtonBox::ActionRole);
    m_prune->setObjectName(QStringLiteral("pruneButton"));
    buttons->addButton(QDialogButtonBox::Cancel);
    connect(m_save, &QPushButton::clicked, this, [this] {
        if (!problem().isEmpty())
            return;
        Q_EMIT saveRequested();
        accept();
    });
    connect(m_prune, &QPushButton::clicked, this, &RetentionPolicyDialog::confirmPrune);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    for (QSpinBox* spin : m_spins)
        spin->setEnabled(false);
    m_within->setEnabled(false);
    m_summary->setText(tr("Reading the policy…"));
    m_save->setEnabled(false);
    m_prune->setEnabled(false);
    resize(980, 640);
    recompute();
}

void RetentionPolicyDialog::setPolicies(const Source::RetentionPolicies& policies)
{
    m_policies = policies;
    m_loaded = true;
    const QString backend = m_backendName.isEmpty() ? policies.backendName : m_backendName;
    if (backend.isEmpty())
        m_useDefault->setText(tr("Use the backend default (no backend yet: keep everything)"));
    else if (!policies.backendPolicy)
        m_useDefault->setText(
            tr("Use the backend default (%1 has none: keep everything)").arg(backend));
    else
        m_useDefault->setText(tr("Use the backend default (%1: %2)")
                                  .arg(backend, policies.backendPolicy->isEmpty()
                                                    ? tr("keep everything")
                                                    : policies.backendPolicy->describe()));
    m_useDefault->setEnabled(true);
    const bool useDefault = !policies.volumePolicy;
    fillFields(useDefault ? policies.backendPolicy : policies.volumePolicy);
    m_useDefault->setChecked(useDefault);
    for (QSpinBox* spin : m_spins)
        spin->setEnabled(!useDefault);
    m_within->setEnabled(!useDefault);
    recompute();
}

void RetentionPolicyDialog::setLoadError(const QString& message)
{
    m_problem->setText(tr("The policy could not be read: %1").arg(message));
    m_problem->show();
}

void RetentionPolicyDialog::fillFields(const std::optional<RetentionPolicy>& policy)
{
    const RetentionPolicy shown = policy.value_or(RetentionPolicy());
    m_filling = true;
    const int values[6] = {shown.keepLast,   shown.keepHourly,  shown.keepDaily,
                           shown.keepWeekly, shown.keepMonthly, shown.keepYearly};
    for (int i = 0; i < 6; ++i)
        m_spins[i]->setValue(values[i]);
    m_within->setText(shown.keepWithin ? shown.keepWithin->toString() : QString());
    m_filling = false;
}

QString RetentionPolicyDialog::problem() const
{
    const QString within = m_within->text().trimmed();
    if (within.isEmpty())
        return {};
    try {
        RetentionSpan::parse(within);
    } catch (const Error& error) {
        return error.message();
    }
    return {};
}

std::optional<RetentionPolicy> RetentionPolicyDialog::policy() const
{
    if (m_useDefault->isChecked())
        return std::nullopt;
    RetentionPolicy policy;
    policy.keepLast = m_spins[0]->value();
    policy.keepHourly = m_spins[1]->value();
    policy.keepDaily = m_spins[2]->value();
    policy.keepWeekly = m_spins[3]->value();
    policy.keepMonthly = m_spins[4]->value();
    policy.keepYearly = m_spins[5]->value();
    const QString within = m_within->text().trimmed();
    if (!within.isEmpty() && problem().isEmpty())
        policy.keepWithin = RetentionSpan::parse(within);
    return policy;
}

RetentionPolicy RetentionPolicyDialog::effectivePolicy() const
{
    if (const auto own = policy())
        return *own;
    return m_policies.backendPolicy.value_or(RetentionPolicy());
}

bool RetentionPolicyDialog::policyChanged() const
{
    return m_loaded && policy() != m_policies.volumePolicy;
}

void RetentionPolicyDialog::recompute()
{
    if (m_filling)
        return;
    const QString trouble = problem();
    m_problem->setText(trouble);
    m_problem->setVisible(!trouble.isEmpty());
    if (!trouble.isEmpty()) {
        m_save->setEnabled(false);
        m_prune->setEnabled(false);
        return;
    }
    // Planned here on the backups the window already has: no I/O.
    m_plan = ember::planPrune(effectivePolicy(), retentionItems(m_backups), m_anyOrderDelete);
    m_timeline->setPlan(m_plan);
    const QHash<QString, BackupFate> fates = m_timeline->fates();
    int kept = 0, removed = 0, synthesized = 0;
    for (BackupFate fate : fates) {
        if (fate == BackupFate::Kept || fate == BackupFate::Protected || fate == BackupFate::Needed)
            ++kept;
        else if (fate == BackupFate::Removed)
            ++removed;
        else if (fate == BackupFate::SynthesizeFirst)
            ++synthesized;
    }
    if (m_loaded) {
        QString summary = tr("Keeps %n backup(s)", "", kept);
        summary += tr(", removes %n", "", removed + synthesized);
        if (synthesized > 0)
            summary += tr(" (%n of them after a synthetic full replaces it)", "", synthesized);
        summary += QLatin1Char('.');
        m_summary->setText(summary);
    }
    m_save->setEnabled(m_loaded);
    m_prune->setEnabled(m_loaded && !m_plan.steps.isEmpty());
    m_prune->setToolTip(m_plan.steps.isEmpty() ? tr("Nothing to prune: the policy keeps every "
                                                    "backup.")
                                               : QString());
}

void RetentionPolicyDialog::confirmPrune()
{
    if (!m_loaded || m_plan.steps.isEmpty() || !problem().isEmpty())
        return;
    QHash<QString, Backup> byId;
    for (const Backup& backup : std::as_const(m_backups))
        byId.insert(backup.id, backup);
    auto label = [&](const QString& id) { return byId.contains(id) ? backupLabel(byId[id]) : id; };
    QStringList lines;
    for (const PruneStep& step : std::as_const(m_plan.steps)) {
        if (step.kind == PruneStep::Synthesize)
            lines.append(tr("• synthetic full of %1; %n backup(s) move onto it", "",
                            static_cast<int>(step.children.size()))
                             .arg(label(step.backupId)));
        else
            lines.append(tr("• remove %1").arg(label(step.backupId)));
    }
    QString text =
        tr("Prune %1 under %2? In this order:")
            .arg(m_volume.name, effectivePolicy().isEmpty() ? tr("a policy that keeps everything")
                                                            : effectivePolicy().describe());
    if (policyChanged())
        text += QLatin1Char('\n') + tr("The policy is saved first.");
    auto* box =
        new QMessageBox(QMessageBox::Question, tr("Prune Now"), text, QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("confirmPruneBox"));
    box->setDetailedText(lines.join(QLatin1Char('\n')));
    box->setInformativeText(
        lines.mid(0, 12).join(QLatin1Char('\n')) +
        (lines.size() > 12 ? tr("\n… and %n more", "", int(lines.size() - 12)) : QString()));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* yes = box->addButton(tr("Prune"), QMessageBox::AcceptRole);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::buttonClicked, this, [this, yes](QAbstractButton* button) {
        if (button != yes)
            return;
        Q_EMIT pruneConfirmed();
        accept();
    });
    box->open();
}

// ---------------------------------------------------------------- prune log

PruneLogDialog::PruneLogDialog(const QString& volumeName,
                               std::shared_ptr<const SourceSnapshot> snapshot, QWidget* parent)
    : QDialog(parent), m_snapshot(std::move(snapshot))
{
    setObjectName(QStringLiteral("pruneLogDialog"));
    setWindowTitle(volumeName.isEmpty() ? tr("Prune Log") : tr("Prune Log of %1").arg(volumeName));
    auto* layout = new QVBoxLayout(this);
    m_status = new QLabel(tr("Reading the prune log…"), this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_table = new QTableWidget(0, 6, this);
    m_table->setObjectName(QStringLiteral("pruneLogTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("When"), tr("Volume"), tr("Backup"), tr("Action"), tr("Detail"), tr("Policy")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnHidden(1, !volumeName.isEmpty());
    layout->addWidget(m_table, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(900, 420);
}

void PruneLogDialog::setEntries(const QList<PruneLogEntry>& entries)
{
    m_table->setRowCount(0);
    // Newest first: the last prune is what one looks for.
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        const PruneLogEntry& entry = *it;
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        const auto volume = m_snapshot->volume(entry.volumeId);
        const auto backup = m_snapshot->backup(entry.backupId);
        const QStringList cells{formatTime(entry.at),
                                volume ? volume->name : entry.volumeId,
                                backup ? backupLabel(*backup) : entry.backupId,
                                entry.action,
                                entry.detail,
                                entry.policy.isEmpty() ? tr("by hand") : entry.policy};
        for (int column = 0; column < cells.size(); ++column) {
            auto* item = new QTableWidgetItem(cells[column]);
            item->setToolTip(column == 2 ? entry.backupId : cells[column]);
            m_table->setItem(row, column, item);
        }
    }
    m_table->resizeColumnsToContents();
    m_status->setText(entries.isEmpty()
                          ? tr("Nothing was pruned yet.")
                          : tr("%n entry(s), newest first.", "", static_cast<int>(entries.size())));
}

void PruneLogDialog::setLoadError(const QString& message)
{
    m_status->setText(tr("The prune log could not be read: %1").arg(message));
}

} // namespace ember::ui
