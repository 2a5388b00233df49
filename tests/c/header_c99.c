/* The public header must compile on its own as strict C99 (see scripts/test-c.sh). */
#include "mpmeter.h"

/* Used so the translation unit is not empty and the declarations are type-checked. */
int header_c99_check(void);
int header_c99_check(void)
{
    mpm_result (*result_of)(const mpm_response *) = mpm_response_result;
    const char *(*name_of)(uint32_t) = mpm_result_name;
    mpm_response_callback cb = NULL;
    (void)cb;
    return result_of != NULL && name_of != NULL && MPM_OK == 0 && MPM_VERSION_MAJOR + 1 > 0;
}
