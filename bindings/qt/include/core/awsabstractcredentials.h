// QtAws::Core::AwsAbstractCredentials: what a client signs with. The client reads
// accessKeyId(), secretKey() and token() each time it starts a call, so a subclass
// may rotate them at any time.
#ifndef MPM_QT_AWSABSTRACTCREDENTIALS_H
#define MPM_QT_AWSABSTRACTCREDENTIALS_H

#include "qtawscoreglobal.h"

#include <QDateTime>
#include <QObject>

namespace QtAws {
namespace Core {

class QTAWSCORE_EXPORT AwsAbstractCredentials : public QObject {
    Q_OBJECT

public:
    AwsAbstractCredentials(QObject * const parent = 0);
    virtual ~AwsAbstractCredentials();

    virtual QString accessKeyId() const = 0;
    virtual QString secretKey() const = 0;
    virtual QString token() const = 0;

    virtual QDateTime expiration() const;   ///< Invalid (never expires) by default.
    virtual bool isExpired() const;
    virtual bool isRefreshable() const;     ///< false by default.

public Q_SLOTS:
    virtual bool refresh();                 ///< Nothing to refresh by default: false.

Q_SIGNALS:
    void changed();

private:
    Q_DISABLE_COPY(AwsAbstractCredentials)
};

} // namespace Core
} // namespace QtAws

#endif
