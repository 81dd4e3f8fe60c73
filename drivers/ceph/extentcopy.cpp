#include "extentcopy.h"

#include <atomic>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>

namespace ember::ceph {

bool isAllZero(const char* data, qint64 length)
{
    if (length <= 0)
        return true;
    return data[0] == 0 && std::memcmp(data, data + 1, size_t(length - 1)) == 0;
}

namespace {

struct Piece
{
    qint64 offset = 0;
    qint64 length = 0;
    bool exists = true;
};

// Splits extents at multiples of pieceSize so pieces line up with RBD objects.
std::vector<Piece> splitIntoPieces(const std::vector<DiffExtent>& extents, qint64 pieceSize)
{
    std::vector<Piece> pieces;
    for (const DiffExtent& extent : extents) {
        if (!extent.exists) {
            pieces.push_back({extent.offset, extent.length, false});
            continue;
        }
        qint64 position = extent.offset;
        const qint64 end = extent.offset + extent.length;
        while (position < end) {
            const qint64 boundary = (position / pieceSize + 1) * pieceSize;
            const qint64 pieceEnd = std::min(end, boundary);
            pieces.push_back({position, pieceEnd - position, true});
            position = pieceEnd;
        }
    }
    return pieces;
}

// Zero detection granularity inside a piece: all-zero blocks are skipped (or
// zeroed) so base images and restored volumes stay sparse.
constexpr qint64 kZeroBlock = 64 << 10;

// Writes the non-zero runs of `data` (at volume offset `offset`); zero runs
// are skipped when the target reads zeros already, zeroed otherwise.
CopyResult writeNonZeroRuns(VolumeDevice& target, qint64 offset, const char* data, qint64 length,
                            bool targetIsZero)
{
    CopyResult result;
    qint64 runStart = 0;
    bool runIsZero = isAllZero(data, std::min(kZeroBlock, length));
    auto flushRun = [&](qint64 runEnd) {
        if (runEnd <= runStart)
            return;
        if (!runIsZero) {
            target.writeAt(offset + runStart, data + runStart, runEnd - runStart);
            result.bytesWritten += runEnd - runStart;
        } else if (!targetIsZero) {
            target.zeroRange(offset + runStart, runEnd - runStart);
            result.bytesZeroed += runEnd - runStart;
        }
    };
    for (qint64 block = kZeroBlock; block < length; block += kZeroBlock) {
        const bool zero = isAllZero(data + block, std::min(kZeroBlock, length - block));
        if (zero != runIsZero) {
            flushRun(block);
            runStart = block;
            runIsZero = zero;
        }
    }
    flushRun(length);
    return result;
}

// Waits until the bandwidth limit lets `bytes` pass; throws Cancelled when
// the operation is cancelled meanwhile.
void drawBandwidth(const CopyOptions& options, qint64 bytes, OperationControl& control)
{
    if (!options.bandwidth)
        return;
    if (!options.bandwidth->acquire(bytes, [&control] { return control.isCancelRequested(); }))
        control.throwIfCancelled();
}

// Reads a whole piece; a source that ends early is an error, not zeros.
void readPiece(VolumeDevice& source, const Piece& piece, char* buffer)
{
    const qint64 got = source.readAt(piece.offset, buffer, piece.length);
    if (got != piece.length)
        throw Error(QStringLiteral("%1 ended at offset %2, before the end of its data")
                        .arg(source.describe())
                        .arg(piece.offset + got));
}

template <typename Work>
void runWorkers(size_t pieceCount, int threads, qint64 bufferSize, OperationControl& control,
                Work work)
{
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr firstError;
    std::mutex errorMutex;
    auto worker = [&]() {
        std::vector<char> buffer(static_cast<size_t>(bufferSize));
        try {
            for (;;) {
                if (failed.load())
                    return;
                control.throwIfCancelled();
                const size_t index = next.fetch_add(1);
                if (index >= pieceCount)
                    return;
                work(index, buffer.data());
            }
        } catch (...) {
            std::lock_guard lock(errorMutex);
            if (!firstError)
                firstError = std::current_exception();
            failed.store(true);
        }
    };
    const int count =
        int(std::max<size_t>(1, std::min<size_t>(size_t(std::max(1, threads)), pieceCount)));
    std::vector<std::thread> workers;
    for (int i = 1; i < count; ++i)
        workers.emplace_back(worker);
    worker();
    for (std::thread& thread : workers)
        thread.join();
    if (firstError)
        std::rethrow_exception(firstError);
}

} // namespace

CopyResult copyExtents(VolumeDevice& source, VolumeDevice& target,
                       const std::vector<DiffExtent>& extents, const CopyOptions& options,
                       OperationControl& control)
{
    const std::vector<Piece> pieces = splitIntoPieces(extents, options.pieceSize);
    std::atomic<qint64> written{0};
    std::atomic<qint64> zeroed{0};
    runWorkers(pieces.size(), options.threads, options.pieceSize, control,
               [&](size_t index, char* buffer) {
                   const Piece& piece = pieces[index];
                   if (piece.exists) {
                       drawBandwidth(options, piece.length, control);
                       readPiece(source, piece, buffer);
                       const CopyResult done = writeNonZeroRuns(target, piece.offset, buffer,
                                                                piece.length, options.targetIsZero);
                       written += done.bytesWritten;
                       zeroed += done.bytesZeroed;
                   } else if (!options.targetIsZero) {
                       target.zeroRange(piece.offset, piece.length);
                       zeroed += piece.length;
                   }
                   control.addBytesDone(piece.length);
               });
    return {written.load(), zeroed.load()};
}

qint64 readExtents(VolumeDevice& source, const std::vector<DiffExtent>& extents,
                   const CopyOptions& options, OperationControl& control)
{
    const std::vector<Piece> pieces = splitIntoPieces(extents, options.pieceSize);
    std::atomic<qint64> read{0};
    runWorkers(pieces.size(), options.threads, options.pieceSize, control,
               [&](size_t index, char* buffer) {
                   const Piece& piece = pieces[index];
                   if (!piece.exists)
                       return;
                   drawBandwidth(options, piece.length, control);
                   readPiece(source, piece, buffer);
                   read += piece.length;
                   control.addBytesDone(piece.length);
               });
    return read.load();
}

} // namespace ember::ceph
