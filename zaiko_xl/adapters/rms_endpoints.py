"""The RMS functions the client calls (rms-api.md §2, §4, §5) and their pacing families.

Families share one client-side pacer: ``read`` (bulk-get, range: 5 req/s), ``write``
(bulk-upsert: 1 req/s), ``single`` (single-SKU get/put and variant lists: 1 req/s),
``order`` (searchOrder, getOrder: 1 req/s) and ``license`` (expiry: 1 req/s).

Inventory version: 2.0 for every stock read and write. Safe reading of rms-api.md §8.5:
a 2.1 PUT *replaces* the lead-time fields, so a 2.1 write without them could wipe the
shop's lead-time settings; 2.0 touches only the quantity. 2.1 only for variant-lists.
"""

from __future__ import annotations

from zaiko_xl.adapters.rms_transport import Endpoint

_VARIANT = "/es/2.0/inventories/manage-numbers/{manage_number}/variants/{variant_id}"

GET_ONE = Endpoint("single", "inventories.variants.get", "GET", _VARIANT)
PUT_ONE = Endpoint("single", "inventories.variants.upsert", "PUT", _VARIANT)
BULK_GET = Endpoint("read", "inventories.bulk.get", "POST", "/es/2.0/inventories/bulk-get")
RANGE_GET = Endpoint("read", "inventories.bulk.get.range", "GET", "/es/2.0/inventories/bulk-get/range")
BULK_UPSERT = Endpoint("write", "inventories.bulk.upsert", "POST", "/es/2.0/inventories/bulk-upsert")
VARIANT_LISTS = Endpoint("single", "inventories.variant-lists.get", "GET",
                         "/es/2.1/inventories/variant-lists/manage-numbers/{manage_number}")
SEARCH_ORDER = Endpoint("order", "rpay.order.searchOrder", "POST", "/es/2.0/order/searchOrder/")
GET_ORDER = Endpoint("order", "rpay.order.getOrder", "POST", "/es/2.0/order/getOrder/")
LICENSE_EXPIRY = Endpoint("license", "license.expiryDate.get", "GET",
                          "/es/1.0/license-management/license-key/expiry-date")

BULK_GET_MAX = 1000
BULK_UPSERT_MAX = 400
RANGE_MAX = 1000
SEARCH_PAGE_MAX = 1000
SEARCH_RESULT_CAP = 15_000
GET_ORDER_MAX = 100
