// Credentials that mpmeter resolves itself, as the AWS SDKs do, for QtAws programs that
// must use a role: on EC2, ECS and EKS, MeterUsage and RegisterUsage accept only the
// instance, task or pod role, never static keys.
//
//   AwsDefaultCredentials   the SDKs' default chain: environment, shared config and
//                           credentials files (profiles, assume-role, credential_process),
//                           web identity (EKS IRSA), ECS/EKS container credentials, IMDSv2
//                           on EC2 (mpm_credentials_new_default_chain)
//   AwsPlatformCredentials  strict platform mode: only the source AWS supports for metering
//                           on that platform; environment keys, profiles and node roles are
//                           never used instead (mpm_credentials_new_for_platform)
//   AwsProfileCredentials   one profile of the shared files (mpm_credentials_new_profile)
//
// Nothing is read or fetched when they are made: the first call resolves them, and they
// are cached and refreshed before they expire, inside the library. The keys never reach
// Qt: accessKeyId(), secretKey() and token() return null strings; providerName() says
// which provider supplied them once resolved. Give one to a client with setCredentials()
// or a constructor, like any AwsAbstractCredentials; one object may serve many clients.
#ifndef MPM_QT_AWSLIBRARYCREDENTIALS_H
#define MPM_QT_AWSLIBRARYCREDENTIALS_H

#include "awsabstractcredentials.h"

struct mpm_credentials;

namespace QtAws {
namespace Core {

class QTAWSCORE_EXPORT AwsLibraryCredentials : public AwsAbstractCredentials {
    Q_OBJECT

public:
    virtual ~AwsLibraryCredentials();

    /// Null strings: the keys stay inside the library.
    virtual QString accessKeyId() const;
    virtual QString secretKey() const;
    virtual QString token() const;
    /// When the resolved credentials expire; invalid before they are resolved or when
    /// they never expire.
    virtual QDateTime expiration() const;
    /// true: the library refreshes them itself before they expire.
    virtual bool isRefreshable() const;

    /// Resolves them now, waiting at most `timeoutMs` (negative: the library's bound);
    /// false with `error` set when no provider has credentials (the message names each
    /// provider and why it was skipped). Blocks: not on a GUI thread.
    bool resolve(int timeoutMs = -1, QString * error = nullptr);
    /// "default-chain/environment", "platform-EC2/imds", ...: the kind of source, then,
    /// once resolved, the provider that supplied them. Never a key.
    QString providerName() const;
    /// false when the library refused to make them (see errorString()).
    bool isValid() const;
    QString errorString() const;

    /// The library's handle (owned by this object). For the binding's clients.
    const struct mpm_credentials * handle() const;

public Q_SLOTS:
    /// Resolves them again now (see resolve()).
    virtual bool refresh();

protected:
    /// Takes ownership of `credentials` (NULL: invalid, with the library's last error).
    explicit AwsLibraryCredentials(struct mpm_credentials * credentials, QObject * parent);

private:
    Q_DISABLE_COPY(AwsLibraryCredentials)
    struct mpm_credentials * m_credentials;
    QString m_error;
};

/// The AWS SDKs' default credential chain.
class QTAWSCORE_EXPORT AwsDefaultCredentials : public AwsLibraryCredentials {
    Q_OBJECT

public:
    explicit AwsDefaultCredentials(QObject * const parent = 0);
};

/// Strict platform mode: the role of the EC2 instance (IMDS), of the ECS task, or of the
/// EKS pod (IRSA web identity), and nothing else.
class QTAWSCORE_EXPORT AwsPlatformCredentials : public AwsLibraryCredentials {
    Q_OBJECT

public:
    /// The values of mpm_platform.
    enum Platform { Ec2 = 1, Ecs = 2, EksIrsa = 3 };
    Q_ENUM(Platform)

    explicit AwsPlatformCredentials(Platform platform, QObject * const parent = 0);
    Platform platform() const;

private:
    Platform m_platform;
};

/// One profile of the shared config and credentials files; a null name: AWS_PROFILE, else
/// "default".
class QTAWSCORE_EXPORT AwsProfileCredentials : public AwsLibraryCredentials {
    Q_OBJECT

public:
    explicit AwsProfileCredentials(const QString &profile = QString(), QObject * const parent = 0);
};

} // namespace Core
} // namespace QtAws

#endif
