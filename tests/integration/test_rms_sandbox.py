"""The sandbox itself, spoken to with plain httpx: RMS's checks, codes, stock and orders, the shopper."""

import time
from base64 import b64encode

import httpx
import pytest

from zaiko_xl.sandbox.config import DEMO_LICENSE_KEY, DEMO_SERVICE_SECRET, SandboxConfig

BULK_GET, BULK_UPSERT = "/es/2.0/inventories/bulk-get", "/es/2.0/inventories/bulk-upsert"


@pytest.fixture
def api(rms_sandbox):
    esa = "ESA " + b64encode(f"{rms_sandbox.service_secret}:{rms_sandbox.license_key}".encode()).decode()
    with httpx.Client(base_url=rms_sandbox.base_url, headers={"Authorization": esa}) as client:
        yield client


def _errors(response):
    return [(e["code"], (e.get("metadata") or {}).get("propertyPath")) for e in response.json()["errors"]]


def test_wrong_credentials_get_401_ga0001(rms_sandbox):
    response = httpx.post(rms_sandbox.base_url + BULK_GET, json={"inventories": [{"manageNumber": "a", "variantId": "b"}]},
                          headers={"Authorization": "ESA " + b64encode(b"SPx:SLy").decode()})
    assert (response.status_code, response.json()) == (401, {"errors": [{"code": "GA0001", "message": "Un-Authorised"}]})


def test_content_type_must_be_json_with_or_without_charset(api):
    body = b'{"inventories":[{"manageNumber":"zk-00001","variantId":"zk-00001"}]}'
    assert api.post(BULK_GET, content=body).status_code == 415
    assert api.post(BULK_GET, content=body, headers={"Content-Type": "text/plain"}).status_code == 415
    for media in ("application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8"):
        assert api.post(BULK_GET, content=body, headers={"Content-Type": media}).status_code == 200


def test_bulk_upsert_validation_names_each_element(api):
    items = [{"manageNumber": "zk-00001", "variantId": "x" * 33, "mode": "ABSOLUTE", "quantity": 1},
             {"manageNumber": "zk-00001", "variantId": "red M", "mode": "ABSOLUTE", "quantity": 1},
             {"manageNumber": "zk-00001", "variantId": "ok", "mode": "SET", "quantity": 1},
             {"manageNumber": "zk-00001", "variantId": "ok2", "mode": "ABSOLUTE", "quantity": 100000},
             {"manageNumber": "zk-00001", "variantId": "ok3", "mode": "ABSOLUTE", "quantity": "x"},
             {"manageNumber": "ZK-00001", "variantId": "ok4", "mode": "ABSOLUTE", "quantity": 1},
             {"manageNumber": "zk-00001", "variantId": "ok4", "mode": "ABSOLUTE", "quantity": 1}]
    response = api.post(BULK_UPSERT, json={"inventories": items})
    assert response.status_code == 400
    assert _errors(response) == [("IE0004", "inventories[0].variantId"), ("IE0002", "inventories[1].variantId"),
                                 ("IE1102", "inventories[6]"), ("IE0002", "inventories[2].mode"),
                                 ("IE0003", "inventories[3].quantity"), ("IE0002", "inventories[4].quantity")]


def test_bulk_limits_and_state_rules(api, rms_sandbox):
    many = [{"manageNumber": "p", "variantId": f"v{i}", "mode": "ABSOLUTE", "quantity": 1} for i in range(401)]
    assert _errors(api.post(BULK_UPSERT, json={"inventories": many})) == [("IE1101", "inventories")]
    assert _errors(api.post(BULK_UPSERT, json={})) == [("GE0011", None)]
    relative_new = [{"manageNumber": "p", "variantId": "new", "mode": "RELATIVE", "quantity": 1}]
    assert _errors(api.post(BULK_UPSERT, json={"inventories": relative_new})) == [("IE0500", "inventories[0].quantity")]
    rms_sandbox.set_stock([("p", "a", 3)])
    below = [{"manageNumber": "p", "variantId": "a", "mode": "RELATIVE", "quantity": -4}]
    assert _errors(api.post(BULK_UPSERT, json={"inventories": below})) == [("IE0117", "inventories[0].quantity")]


def test_range_needs_a_bound_and_refuses_more_than_1000(api, rms_sandbox):
    assert _errors(api.get(BULK_GET + "/range")) == [("IE0105", None)]
    assert _errors(api.get(BULK_GET + "/range", params={"minQuantity": 5, "maxQuantity": 2})) == [("IE0113", None)]
    rms_sandbox.reset(skus=1001)
    assert _errors(api.get(BULK_GET + "/range", params={"minQuantity": 0, "maxQuantity": 99999})) == [("IE0116", None)]


def test_single_get_of_an_unknown_sku_is_404_ge0014(api):
    response = api.get("/es/2.1/inventories/manage-numbers/zk-00001/variants/nope")
    assert (response.status_code, _errors(response)) == (404, [("GE0014", None)])


def test_orders_take_stock_and_a_cancel_gives_it_back_but_a_return_does_not(rms_sandbox):
    rms_sandbox.set_stock([("p", "a", 10)])
    first = rms_sandbox.place_order(("p", "a", 3))
    second = rms_sandbox.place_order(("P", "a", 2))
    assert rms_sandbox.stock()[("p", "a")] == 5
    rms_sandbox.order_action(first, "cancel")
    assert rms_sandbox.stock()[("p", "a")] == 8
    rms_sandbox.order_action(second, "return")
    assert rms_sandbox.stock()[("p", "a")] == 8
    with pytest.raises(httpx.HTTPStatusError):
        rms_sandbox.place_order(("p", "a", 9))


def test_search_order_checks_formats_windows_and_page_size(api):
    def search(**body):
        return api.post("/es/2.0/order/searchOrder/", json={"dateType": 1, **body}).json()["MessageModelList"][0]

    assert search(startDatetime="2026-01-01T00:00:00+09:00", endDatetime="2026-01-02T00:00:00+09:00")[
        "messageCode"] == "ORDER_EXT_API_SEARCH_ORDER_ERROR_011"
    assert search()["messageCode"] == "ORDER_EXT_API_SEARCH_ORDER_ERROR_010"
    assert api.post("/es/2.0/order/searchOrder/", json={"startDatetime": "x"}).json()[
        "MessageModelList"][0]["messageCode"] == "ORDER_EXT_API_SEARCH_ORDER_ERROR_009"
    assert search(startDatetime="2026-09-01T00:00:00+0900", endDatetime="2026-11-04T00:00:00+0900")[
        "messageCode"] == "SANDBOX_SEARCH_WINDOW_TOO_LONG"
    response = api.post("/es/2.0/order/getOrder/", json={"orderNumberList": ["x"] * 101, "version": 10})
    assert response.status_code == 400


def test_rate_limits_answer_429_with_retry_after(api, rms_sandbox):
    rms_sandbox.configure(rates={"inventories.bulk.get": 2}, retry_after_s=1)
    body = {"inventories": [{"manageNumber": "zk-00001", "variantId": "zk-00001"}]}
    statuses = [api.post(BULK_GET, json=body) for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 429, 429]
    assert statuses[2].headers["Retry-After"] == "1"


def test_the_shopper_places_and_cancels_orders_and_stock_stays_consistent(rms_sandbox):
    start = rms_sandbox.state()
    total_before = sum(r["quantity"] for r in start["inventory"])
    seeded = {o["orderNumber"] for o in start["orders"]}
    rms_sandbox.configure(orders_per_s=100, cancel_share=0.3, ship_share=0.2)
    time.sleep(0.6)
    rms_sandbox.configure(orders_per_s=0)
    time.sleep(0.05)
    end = rms_sandbox.state()
    was_open = {o["orderNumber"] for o in start["orders"] if o["orderProgress"] < 500}
    new = [o for o in end["orders"] if o["orderNumber"] not in seeded]
    held = sum(li["units"] for o in new if o["orderProgress"] != 900 for li in o["lines"])
    given_back = sum(li["units"] for o in end["orders"] if o["orderNumber"] in was_open and o["orderProgress"] == 900
                     for li in o["lines"])  # seeded open orders the shopper cancelled
    cancels = [o for o in end["orders"] if o["orderProgress"] == 900 and (o in new or o["orderNumber"] in was_open)]
    assert len(new) >= 10 and cancels
    assert sum(r["quantity"] for r in end["inventory"]) == total_before - held + given_back


def test_credentials_come_from_the_environment_when_both_are_set():
    config = SandboxConfig.from_env({"ZAIKO_RMS_SERVICE_SECRET": "SPmine", "ZAIKO_RMS_LICENSE_KEY": "SLmine"})
    assert (config.service_secret, config.license_key, config.uses_demo_credentials) == ("SPmine", "SLmine", False)
    demo = SandboxConfig.from_env({"ZAIKO_RMS_SERVICE_SECRET": "SPmine"})
    assert (demo.service_secret, demo.license_key) == (DEMO_SERVICE_SECRET, DEMO_LICENSE_KEY)


def test_seeded_cancels_and_the_shoppers_cancels_send_rms_change_reasons():
    from datetime import datetime

    from zaiko_xl.sandbox.orders import order_json
    from zaiko_xl.sandbox.seed import SeedOrder, seed_state
    from zaiko_xl.sandbox.shopper import Shopper
    from zaiko_xl.sandbox.state import SandboxState

    at = datetime(2026, 11, 20, 9, 0)
    history = [SeedOrder("o1", "a", "a", 1, at, "cancelled", at, "stockout"),
               SeedOrder("o2", "a", "a", 1, at, "cancelled", at, "customer"),
               SeedOrder("o3", "a", "a", 1, at, "returned", at)]
    state = seed_state(SandboxState(SandboxConfig(cancel_share=1.0, ship_share=0.0)), [("a", "a", 500)], history)
    details = [order_json(o, 10)["ChangeReasonModelList"][0]["changeReasonDetail"] for o in state.orders.values()]
    assert details == [8, 1, 2]
    shopper = Shopper(state, seed=3)
    for _ in range(200):
        state.place_order([state.orders[next(iter(state.orders))].lines[0]])
        shopper.step()  # cancel_share 1: every step cancels an open order
    reasons = [o.cancel_reason for o in list(state.orders.values())[len(history):] if o.progress == 900]
    assert 0 < reasons.count(8) < reasons.count(1)  # a fifth of the shopper's cancels are the shop's, for stock
