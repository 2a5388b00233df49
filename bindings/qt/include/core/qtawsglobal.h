// Export macros under QtAws's names, so headers written for QtAws find them.
// mpmeter-qt is built as a static library, so they expand to nothing.
#ifndef MPM_QT_QTAWSGLOBAL_H
#define MPM_QT_QTAWSGLOBAL_H

#include <QtGlobal>

#define QTAWS_EXPORT
#define QTAWSCORE_EXPORT

#endif
