// One page of a Swift container listing (GET /<container>?format=json), read
// without any I/O so that it can be tested and fuzzed on its own. Every byte
// of it comes from the server and is untrusted.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace ember::swift {

struct ListingPage
{
    // Object names under the prefix, in the server's order.
    QStringList names;
    // The marker that asks for the next page; empty when this page was the last.
    QString nextMarker;
};

// Parses a page that was asked for with `prefix` and `marker` (empty for the
// first page). Names outside the prefix are dropped: they cannot belong to
// the objects listed, and a caller may delete what it is given. Throws Error
// when the body is not a JSON list of objects with string names, or when the
// page does not move past `marker` (a server repeating a page would otherwise
// keep the listing going forever).
ListingPage parseListingPage(const QByteArray& body, const QString& container,
                             const QString& prefix, const QString& marker);

} // namespace ember::swift
