// QtAws::Core::AwsAnonymousCredentials: requests are sent unsigned.
#ifndef MPM_QT_AWSANONYMOUSCREDENTIALS_H
#define MPM_QT_AWSANONYMOUSCREDENTIALS_H

#include "awsabstractcredentials.h"

namespace QtAws {
namespace Core {

class QTAWSCORE_EXPORT AwsAnonymousCredentials : public AwsAbstractCredentials {
    Q_OBJECT

public:
    AwsAnonymousCredentials(QObject * const parent = 0);

    virtual QString accessKeyId() const;   ///< Empty.
    virtual QString secretKey() const;     ///< Empty.
    virtual QString token() const;         ///< Empty.

private:
    Q_DISABLE_COPY(AwsAnonymousCredentials)
};

} // namespace Core
} // namespace QtAws

#endif
