// The public header must be usable from C++11 as is (see scripts/test-c.sh).
#include "mpmeter.h"

#include <cstdint>
#include <type_traits>

static_assert(MPM_OK == 0, "MPM_OK is 0");
static_assert(MPM_REGION_US_EAST_1 == 0xB41, "QtAws region codes");
static_assert(std::is_same<decltype(&mpm_version), const char *(*)()>::value,
              "extern \"C\" declarations are visible");

extern "C" void header_cxx_callback(const mpm_response *response, void *userdata);

int main()
{
    mpm_response_callback cb = header_cxx_callback;
    mpm_client *client = nullptr;
    mpm_client_free(client);
    return cb == nullptr ? 1 : 0;
}
