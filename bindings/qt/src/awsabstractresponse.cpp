// AwsAbstractResponse: owns an mpm_response and emits finished() on the thread this object
// lives in. Normally through the creating thread's completion pump (completionpump.h): the
// thread's event loop pops the finished call and emits at once, with no library thread and no
// posted event. Without an event dispatcher on that thread, after moveToThread, or once the
// thread's pump is gone: the completion callback, which runs on a library thread and posts.
#include "core/awsabstractresponse.h"

#include "cglue.h"
#include "completionpump.h"

#include <QEvent>
#include <QMetaObject>

namespace QtAws {
namespace Core {

AwsAbstractResponse::AwsAbstractResponse(mpm_response * response, QObject * const parent)
    : QObject(parent), m_response(response), m_finished(false),
      m_ticket(mpmqt::CompletionPump::attach(this, response))
{
    // Either way a call that has already finished is only queued here (on the completion queue,
    // or as a posted event), so finished() always comes from the event loop, after the caller
    // has had a chance to connect to it.
    if (!m_ticket)
        completeByCallback();
}

AwsAbstractResponse::~AwsAbstractResponse()
{
    // Off the pump first: from here on no pump hands this object over (the pump is gone already,
    // or waits for the registry's lock, or took it before and, if it posted, ~QObject drops that).
    if (m_ticket) {
        m_ticket->detach();
        delete m_ticket;
    }
    // Cancels a running call and takes it off the completion queue if it waits there; once this
    // returns no callback runs or starts, so none can post to this object after ~QObject, which
    // drops events already posted.
    mpm_response_free(m_response);
}

bool AwsAbstractResponse::event(QEvent * event)
{
    // moveToThread sends ThreadChange here, on the old thread, before the move. The old thread's
    // pump would deliver from that thread's loop; the callback path's event moves with the object
    // instead, so finished() comes from the new thread's loop even while the old one is blocked.
    if (event->type() == QEvent::ThreadChange && m_ticket) {
        const bool attached = m_ticket->detach();
        delete m_ticket;
        m_ticket = nullptr;
        if (attached)
            completeByCallback();
    }
    return QObject::event(event);
}

void AwsAbstractResponse::completeByCallback()
{
    // A call that already finished gets the callback right here, on this thread; it posts all the same.
    if (mpm_response_on_finished(m_response, &AwsAbstractResponse::onFinished, this) != MPM_OK)
        qWarning("mpmeter: cannot watch the response: %s", mpm_last_error_message());
}

void AwsAbstractResponse::deliverFinished()
{
    m_finished = true;
    emit finished();
}

// Library thread. `userdata` is alive: the destructor waits in mpm_response_free for a
// running callback. Only the QObject part is touched (posting a functor event looks up
// no virtual function), so this is safe even while a subclass destructor runs.
void AwsAbstractResponse::onFinished(const mpm_response *, void * userdata)
{
    AwsAbstractResponse * const self = static_cast<AwsAbstractResponse *>(userdata);
    QMetaObject::invokeMethod(self, [self]() { self->deliverFinished(); }, Qt::QueuedConnection);
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
