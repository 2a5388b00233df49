#ifndef MPM_QT_QTAWSCOREGLOBAL_H
#define MPM_QT_QTAWSCOREGLOBAL_H
#include "qtawsglobal.h"
#endif
