// QtAws::Core::AwsBasicCredentials: a fixed access key id, secret key and optional
// session token (sent as X-Amz-Security-Token).
#ifndef MPM_QT_AWSBASICCREDENTIALS_H
#define MPM_QT_AWSBASICCREDENTIALS_H

#include "awsabstractcredentials.h"

namespace QtAws {
namespace Core {

class QTAWSCORE_EXPORT AwsBasicCredentials : public AwsAbstractCredentials {
    Q_OBJECT

public:
    AwsBasicCredentials(const QString &accessKeyId, const QString &secretKey,
                        const QString &token, QObject * const parent = 0);
    AwsBasicCredentials(const QString &accessKeyId, const QString &secretKey,
                        QObject * const parent = 0);

    virtual QString accessKeyId() const;
    virtual QString secretKey() const;
    virtual QString token() const;

public Q_SLOTS:
    virtual void setAccessKeyId(const QString &accessKeyId);
    virtual void setSecretKey(const QString &secretKey);
    virtual void setToken(const QString &token);

private:
    Q_DISABLE_COPY(AwsBasicCredentials)
    QString m_accessKeyId;
    QString m_secretKey;
    QString m_token;
};

} // namespace Core
} // namespace QtAws

#endif
