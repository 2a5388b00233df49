// QtAws::Core::AwsAbstractRequest: a copyable description of one call. QtAws built the
// HTTP request itself; here each request hands itself to the C library (mpmeter), which
// signs, sends and retries it. QtAws's data(), networkRequest(), operation() and
// send(QNetworkAccessManager &, ...) therefore do not exist.
#ifndef MPM_QT_AWSABSTRACTREQUEST_H
#define MPM_QT_AWSABSTRACTREQUEST_H

#include "qtawscoreglobal.h"

#include <QString>

struct mpm_client;

namespace QtAws {
namespace Core {

class AwsAbstractClient;
class AwsAbstractResponse;

class QTAWSCORE_EXPORT AwsAbstractRequest {
public:
    AwsAbstractRequest();
    AwsAbstractRequest(const AwsAbstractRequest &other);
    AwsAbstractRequest &operator=(const AwsAbstractRequest &other);
    virtual ~AwsAbstractRequest();

    /// Whether the request can be sent: required members set and every constraint of
    /// the service model met (checked by mpmeter, as the service would).
    virtual bool isValid() const = 0;

    /// mpmeter extension: why isValid() is false ("" when it is true).
    virtual QString validationError() const = 0;

protected:
    /// Starts the call on `client` and returns its response (owned by the caller), or
    /// NULL with a warning when mpmeter refuses the request.
    virtual AwsAbstractResponse * response(struct mpm_client * client) const = 0;

    friend class AwsAbstractClient;
};

} // namespace Core
} // namespace QtAws

#endif
