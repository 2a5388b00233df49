// The library's log as the Qt logging category "mpmeter", and what it needs to follow the
// category's rules.
#ifndef MPM_QT_MPMETERLOGGING_H
#define MPM_QT_MPMETERLOGGING_H

#include "qtawscoreglobal.h"

#include <QLoggingCategory>

namespace QtAws {
namespace Core {

/// libmpmeter's events (attempts, retries, credentials, clock-skew corrections, refused
/// redirects; never a secret): critical for errors, warning, info, and debug for the
/// library's debug and trace. Enabled from warning by default; more with rules such as
/// QT_LOGGING_RULES="mpmeter.info=true;mpmeter.debug=true". The library's own target (e.g.
/// "mpmeter_core::client::send") starts each message, in brackets.
Q_DECLARE_LOGGING_CATEGORY(lcMpmeter)

/// Tells the library which levels the category wants now. Done when a client first sends;
/// call it after changing the category's rules (QLoggingCategory::setFilterRules) later.
QTAWSCORE_EXPORT void refreshMpmeterLogLevel();

} // namespace Core
} // namespace QtAws

#endif
