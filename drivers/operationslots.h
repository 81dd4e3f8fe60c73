// Limits how many operations (backups, restores, verifies, synthetic fulls)
// run at once, per backend and in total, across every Ember process of the
// user (the GUI, ember-cli, the scheduler). A slot is a lock file (flock) in
// a directory beside the catalog, so a process that dies frees its slot and
// nothing needs cleaning up. Cinder's `backup_max_operations` is the total.
#pragma once

#include "operation.h"

#include <QString>
#include <memory>

namespace ember {

// Cinder's default for backup_max_operations.
inline constexpr int kDefaultMaxOperations = 15;

struct OperationLimits
{
    int perBackend = 0; // the backend's ember_max_operations; 0 = unlimited
    int total = 0;      // the catalog setting backup_max_operations; 0 = unlimited
};

// One held slot of a backend and, when limited, one of the total; released
// when destroyed.
class OperationSlot
{
public:
    OperationSlot();
    OperationSlot(OperationSlot&&) noexcept;
    OperationSlot& operator=(OperationSlot&&) noexcept;
    ~OperationSlot();
    bool holdsAny() const; // false when nothing was limited

private:
    friend OperationSlot acquireOperationSlot(const QString&, const QString&,
                                              const OperationLimits&, OperationControl&);
    struct Held;
    std::unique_ptr<Held> m_held;
};

// Where the slots of the catalog at `catalogPath` live: beside it, in
// operation-slots.
QString operationSlotDirectory(const QString& catalogPath);

// Blocks until a slot of `backendName` and one of the total are free. While
// it waits, the operation's phase says so ("waiting: backend 'nas' is running
// 2 of 2 operations", also logged once), and a cancel ends the wait
// (Cancelled); after a wait the phase before it is shown again. The slots
// live in `slotDirectory` (created 0700 if missing).
OperationSlot acquireOperationSlot(const QString& slotDirectory, const QString& backendName,
                                   const OperationLimits& limits, OperationControl& control);

} // namespace ember
