# find_package(mpmeter-qt): the same package as find_package(QtAwsMarketplaceMetering)
# (target mpmeter::qt, an alias of QtAws::MarketplaceMetering).
include("${CMAKE_CURRENT_LIST_DIR}/../QtAwsMarketplaceMetering/QtAwsMarketplaceMeteringConfig.cmake")
