// AwsAbstractResponse: owns an mpm_response and turns its completion callback, which
// runs on a library thread, into finished() on the thread this object lives in.
#include "core/awsabstractresponse.h"

#include "cglue.h"

#include <QMetaObject>

namespace QtAws {
namespace Core {

AwsAbstractResponse::AwsAbstractResponse(mpm_response * response, QObject * const parent)
    : QObject(parent), m_response(response), m_finished(false)
{
    // A response that already finished gets the callback right here, on this thread;
    // it is queued all the same, so finished() always comes from the event loop,
    // after the caller has had a chance to connect to it.
    if (mpm_response_on_finished(m_response, &AwsAbstractResponse::onFinished, this) != MPM_OK)
        qWarning("mpmeter: cannot watch the response: %s", mpm_last_error_message());
}

AwsAbstractResponse::~AwsAbstractResponse()
{
    // Cancels a running call; once this returns no callback runs or starts, so none
    // can post to this object after ~QObject, which drops events already posted.
    mpm_response_free(m_response);
}

// Library thread. `userdata` is alive: the destructor waits in mpm_response_free for a
// running callback. Only the QObject part is touched (posting a functor event looks up
// no virtual function), so this is safe even while a subclass destructor runs.
void AwsAbstractResponse::onFinished(const mpm_response *, void * userdata)
{
    AwsAbstractResponse * const self = static_cast<AwsAbstractResponse *>(userdata);
    QMetaObject::invokeMethod(self, [self]() {
        self->m_finished = true;
        emit self->finished();
    }, Qt::QueuedConnection);
}

const mpm_response * AwsAbstractResponse::handle() const { return m_response; }

bool AwsAbstractResponse::isFinished() const { return m_finished; }

// Outcome getters report "no error" until finished() so that the state a slot sees
// never changes under it.
bool AwsAbstractResponse::hasError() const
{
    return m_finished && mpm_response_result(m_response) != MPM_OK;
}

bool AwsAbstractResponse::isFailed() const { return hasError(); }

bool AwsAbstractResponse::isValid() const
{
    return m_finished && mpm_response_result(m_response) == MPM_OK;
}

AwsAbstractResponse::ErrorCode AwsAbstractResponse::error() const
{
    if (!m_finished)
        return NoError;
    switch (mpm_response_result(m_response)) {
    case MPM_OK: return NoError;
    case MPM_ERR_SERVICE: return ServiceError;
    case MPM_ERR_TRANSPORT: return TransportError;
    case MPM_ERR_TIMEOUT: return TimeoutError;
    case MPM_ERR_CANCELLED: return CancelledError;
    case MPM_ERR_CREDENTIALS: return CredentialsError;
    case MPM_ERR_SIGNING: return SigningError;
    case MPM_ERR_INVALID_RESPONSE: return InvalidResponseError;
    default: return UnknownError;
    }
}

QString AwsAbstractResponse::errorString() const
{
    return m_finished ? mpmqt::str(mpm_response_error_message(m_response)) : QString();
}

QString AwsAbstractResponse::errorCode() const
{
    return m_finished ? mpmqt::str(mpm_response_error_code(m_response)) : QString();
}

QString AwsAbstractResponse::requestId() const
{
    return m_finished ? mpmqt::str(mpm_response_request_id(m_response)) : QString();
}

int AwsAbstractResponse::httpStatus() const
{
    return m_finished ? mpm_response_http_status(m_response) : 0;
}

int AwsAbstractResponse::attempts() const
{
    return m_finished ? int(mpm_response_attempts(m_response)) : 0;
}

// What QNetworkReply reports for the same outcome, for code that switches on it.
QNetworkReply::NetworkError AwsAbstractResponse::networkError() const
{
    switch (error()) {
    case NoError: return QNetworkReply::NoError;
    case TimeoutError: return QNetworkReply::TimeoutError;
    case CancelledError: return QNetworkReply::OperationCanceledError;
    case ServiceError: break;
    default: return QNetworkReply::UnknownNetworkError;
    }
    const int status = httpStatus();
    switch (status) {
    case 401: return QNetworkReply::AuthenticationRequiredError;
    case 403: return QNetworkReply::ContentAccessDenied;
    case 404: return QNetworkReply::ContentNotFoundError;
    case 405: return QNetworkReply::ContentOperationNotPermittedError;
    case 409: return QNetworkReply::ContentConflictError;
    case 410: return QNetworkReply::ContentGoneError;
    case 500: return QNetworkReply::InternalServerError;
    case 501: return QNetworkReply::OperationNotImplementedError;
    case 503: return QNetworkReply::ServiceUnavailableError;
    default:
        if (status >= 500)
            return QNetworkReply::UnknownServerError;
        if (status == 400)
            return QNetworkReply::ProtocolInvalidOperationError;
        return QNetworkReply::UnknownContentError;
    }
}

QXmlStreamReader::Error AwsAbstractResponse::xmlParseError() const
{
    return error() == InvalidResponseError ? QXmlStreamReader::NotWellFormedError
                                           : QXmlStreamReader::NoError;
}

QString AwsAbstractResponse::xmlParseErrorString() const
{
    return error() == InvalidResponseError ? errorString() : QString();
}

void AwsAbstractResponse::abort() { mpm_response_cancel(m_response); }

} // namespace Core
} // namespace QtAws
