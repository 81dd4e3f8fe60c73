// The restore stages as ember-cli prints them: a short tail for the progress
// line and a breakdown after the operation. Header-only and free of terminal
// state, so the formatting is tested without a terminal.
#pragma once

#include "operation.h"

#include <QStringList>

namespace ember::cli {

inline QString stageBytesText(qint64 bytes)
{
    if (bytes >= 1000000000)
        return QStringLiteral("%1 GB").arg(double(bytes) / 1e9, 0, 'f', 2);
    if (bytes >= 1000000)
        return QStringLiteral("%1 MB").arg(double(bytes) / 1e6, 0, 'f', 1);
    return QStringLiteral("%1 kB").arg(double(bytes) / 1e3, 0, 'f', 1);
}

// "busiest: write 62%"; empty without stages or busy times.
inline QString busiestStageText(const Progress& progress)
{
    if (!progress.hasStages())
        return {};
    const Stage busiest = progress.busiestStage();
    const int percent = progress.busyPercent(busiest);
    if (percent < 0)
        return {};
    return QStringLiteral("busiest: %1 %2%").arg(stageName(busiest)).arg(percent);
}

// "fetch 410 MB/s · inflate 880 MB/s · check 1.2 GB/s · write 95 MB/s (busiest: write 62%)"
inline QString stagesLineText(const Progress& progress)
{
    QString text = progress.stagesText();
    const QString busiest = busiestStageText(progress);
    if (!busiest.isEmpty())
        text += QStringLiteral(" (%1)").arg(busiest);
    return text;
}

// `line` with the stages appended, as much as fits in `columns` terminal
// columns (one is kept free so the cursor never wraps): all stages, else only
// the busiest, else nothing; a line too long on its own is cut.
inline QString fitProgressLine(const QString& line, const Progress& progress, int columns)
{
    const int room = qMax(10, columns - 1);
    const QString separator = QStringLiteral("  ");
    if (progress.hasStages()) {
        for (const QString& tail : {stagesLineText(progress), busiestStageText(progress)}) {
            const QString full = line + separator + tail;
            if (!tail.isEmpty() && full.size() <= room)
                return full;
        }
    }
    return line.size() <= room ? line : line.left(room);
}

inline QString bottleneckHintText(Stage stage)
{
    switch (stage) {
    case Stage::Fetch:
        return QStringLiteral("fetching from the backend is the bottleneck: the network or the "
                              "store");
    case Stage::Inflate:
        return QStringLiteral("inflating (decrypting, decompressing) is the bottleneck: the CPU");
    case Stage::Check:
        return QStringLiteral("checking the checksums is the bottleneck: the CPU");
    case Stage::Write:
        return QStringLiteral("the target is the bottleneck: a slower disk or a busy device");
    }
    return {};
}

// After a restore or verify, one line per stage and the bottleneck:
//   stages of restoring:
//     fetch     1.20 GB   410 MB/s   20% of the busy time
//     write     4.00 GB    95 MB/s   62% of the busy time  <- busiest
//     the target is the bottleneck: a slower disk or a busy device
// Empty when the progress has no stages.
inline QString stagesBreakdownText(const Progress& progress)
{
    if (!progress.hasStages())
        return {};
    QStringList lines;
    lines << (progress.phase.isEmpty() ? QStringLiteral("stages:")
                                       : QStringLiteral("stages of %1:").arg(progress.phase));
    const bool known = progress.busyPercent(Stage::Fetch) >= 0;
    const Stage busiest = progress.busiestStage();
    for (int i = 0; i < kStageCount; ++i) {
        const Stage stage = Stage(i);
        const StageStats& stats = progress.stages[size_t(i)];
        if (stats.bytes <= 0)
            continue;
        QString line = QStringLiteral("  %1 %2 %3")
                           .arg(stageName(stage), -8)
                           .arg(stageBytesText(stats.bytes), 9)
                           .arg(stageRateText(stats.bytesPerSecond), 10);
        if (known)
            line += QStringLiteral("  %1% of the busy time").arg(progress.busyPercent(stage), 3);
        if (known && stage == busiest)
            line += QStringLiteral("  <- busiest");
        lines << line;
    }
    if (known)
        lines << QStringLiteral("  ") + bottleneckHintText(busiest);
    return lines.join(QLatin1Char('\n'));
}

} // namespace ember::cli
