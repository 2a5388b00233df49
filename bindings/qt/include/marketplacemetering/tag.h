// Tag: a key/value pair of a usage allocation (QtAws had no model types; the
// names follow the service model, spec/service-2.json).
#ifndef MPM_QT_TAG_H
#define MPM_QT_TAG_H

#include "qtawsmarketplacemeteringglobal.h"

#include <QList>
#include <QString>

namespace QtAws {
namespace MarketplaceMetering {

class QTAWSMARKETPLACEMETERING_EXPORT Tag {
public:
    Tag() {}
    Tag(const QString &key, const QString &value) : m_key(key), m_value(value) {}

    QString key() const { return m_key; }
    void setKey(const QString &key) { m_key = key; }
    QString value() const { return m_value; }
    void setValue(const QString &value) { m_value = value; }

    bool operator==(const Tag &other) const
    { return m_key == other.m_key && m_value == other.m_value; }

private:
    QString m_key;
    QString m_value;
};

} // namespace MarketplaceMetering
} // namespace QtAws

#endif
