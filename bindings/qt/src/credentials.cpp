// AwsAbstractCredentials, AwsBasicCredentials, AwsAnonymousCredentials.
#include "core/awsanonymouscredentials.h"
#include "core/awsbasiccredentials.h"

namespace QtAws {
namespace Core {

AwsAbstractCredentials::AwsAbstractCredentials(QObject * const parent) : QObject(parent) {}
AwsAbstractCredentials::~AwsAbstractCredentials() {}

QDateTime AwsAbstractCredentials::expiration() const { return QDateTime(); }

bool AwsAbstractCredentials::isExpired() const
{
    const QDateTime when = expiration();
    return when.isValid() && when <= QDateTime::currentDateTimeUtc();
}

bool AwsAbstractCredentials::isRefreshable() const { return false; }
bool AwsAbstractCredentials::refresh() { return false; }

AwsBasicCredentials::AwsBasicCredentials(const QString &accessKeyId, const QString &secretKey,
                                         const QString &token, QObject * const parent)
    : AwsAbstractCredentials(parent), m_accessKeyId(accessKeyId), m_secretKey(secretKey),
      m_token(token)
{
}

AwsBasicCredentials::AwsBasicCredentials(const QString &accessKeyId, const QString &secretKey,
                                         QObject * const parent)
    : AwsBasicCredentials(accessKeyId, secretKey, QString(), parent)
{
}

QString AwsBasicCredentials::accessKeyId() const { return m_accessKeyId; }
QString AwsBasicCredentials::secretKey() const { return m_secretKey; }
QString AwsBasicCredentials::token() const { return m_token; }

// Each setter emits changed() only for a real change, so listeners can re-sign.
void AwsBasicCredentials::setAccessKeyId(const QString &accessKeyId)
{
    if (accessKeyId != m_accessKeyId) { m_accessKeyId = accessKeyId; emit changed(); }
}

void AwsBasicCredentials::setSecretKey(const QString &secretKey)
{
    if (secretKey != m_secretKey) { m_secretKey = secretKey; emit changed(); }
}

void AwsBasicCredentials::setToken(const QString &token)
{
    if (token != m_token) { m_token = token; emit changed(); }
}

AwsAnonymousCredentials::AwsAnonymousCredentials(QObject * const parent)
    : AwsAbstractCredentials(parent)
{
}

QString AwsAnonymousCredentials::accessKeyId() const { return QString(); }
QString AwsAnonymousCredentials::secretKey() const { return QString(); }
QString AwsAnonymousCredentials::token() const { return QString(); }

} // namespace Core
} // namespace QtAws
