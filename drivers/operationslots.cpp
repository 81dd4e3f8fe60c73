#include "operationslots.h"

// Placeholder: no limit is enforced until the slot implementation lands.
namespace ember {

struct OperationSlot::Held
{
};

OperationSlot::OperationSlot() = default;
OperationSlot::OperationSlot(OperationSlot&&) noexcept = default;
OperationSlot& OperationSlot::operator=(OperationSlot&&) noexcept = default;
OperationSlot::~OperationSlot() = default;
bool OperationSlot::holdsAny() const
{
    return m_held != nullptr;
}

OperationSlot acquireOperationSlot(const QString&, const QString&, const OperationLimits&,
                                   OperationControl&)
{
    return {};
}

} // namespace ember
