"""Pydantic models of RMS's JSON (rms-api.md §2, §4, §5): read only the fields we use.

``extra="ignore"`` makes them tolerant readers: new fields RMS adds are skipped. They are
wire shapes only; ``rms_frames`` turns them into domain frames. Datetimes stay strings
here because each API has its own format (``+09:00``, ``+0900``, no offset).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


# ---------------------------------------------------------------- errors
class ErrorWire(_Wire):
    code: str = ""
    message: str = ""
    metadata: dict[str, Any] | None = None

    @property
    def property_path(self) -> str:
        return str((self.metadata or {}).get("propertyPath") or "")


class ErrorsWire(_Wire):
    """Inventory / item / license error body: ``{"errors": [...]}``."""

    errors: list[ErrorWire] = Field(default_factory=list)


class MessageWire(_Wire):
    """One entry of the order API's ``MessageModelList``."""

    message_type: str = Field("", alias="messageType")
    message_code: str = Field("", alias="messageCode")
    message: str = ""
    order_number: str | None = Field(None, alias="orderNumber")


class MessagesWire(_Wire):
    messages: list[MessageWire] = Field(default_factory=list, alias="MessageModelList")


# ---------------------------------------------------------------- inventory
class InventoryWire(_Wire):
    manage_number: str = Field(alias="manageNumber")
    variant_id: str = Field(alias="variantId")
    quantity: int
    created: str | None = None
    updated: str | None = None


class InventoriesWire(_Wire):
    inventories: list[InventoryWire] = Field(default_factory=list)


class VariantListWire(_Wire):
    """variant-lists.get (2.1). The element shape is not shown in our sources: accept strings
    or objects carrying ``variantId``."""

    manage_number: str = Field(alias="manageNumber")
    variant_list: list[str] = Field(default_factory=list, alias="variantList")

    @field_validator("variant_list", mode="before")
    @classmethod
    def _variant_ids(cls, value: Any) -> list[str]:
        return [v["variantId"] if isinstance(v, dict) else v for v in value or []]


# ---------------------------------------------------------------- license
class ExpiryWire(_Wire):
    expiry_date: str = Field(alias="expiryDate")


# ---------------------------------------------------------------- orders
class PaginationWire(_Wire):
    total_records_amount: int | None = Field(None, alias="totalRecordsAmount")
    total_pages: int | None = Field(None, alias="totalPages")
    request_page: int | None = Field(None, alias="requestPage")


class SearchOrderWire(MessagesWire):
    order_numbers: list[str] | None = Field(None, alias="orderNumberList")
    pagination: PaginationWire | None = Field(None, alias="PaginationResponseModel")


class SkuWire(_Wire):
    variant_id: str | None = Field(None, alias="variantId")
    merchant_defined_sku_id: str | None = Field(None, alias="merchantDefinedSkuId")


class ItemWire(_Wire):
    manage_number: str = Field(alias="manageNumber")
    item_number: str | None = Field(None, alias="itemNumber")
    units: int
    delete_item_flag: int = Field(0, alias="deleteItemFlag")
    skus: list[SkuWire] = Field(default_factory=list, alias="SkuModelList")


class PackageWire(_Wire):
    items: list[ItemWire] = Field(default_factory=list, alias="ItemModelList")


class ChangeReasonWire(_Wire):
    change_type: int | None = Field(None, alias="changeType")
    change_reason_detail: int | None = Field(None, alias="changeReasonDetail")
    change_fix_datetime: str | None = Field(None, alias="changeFixDatetime")
    change_cmpl_datetime: str | None = Field(None, alias="changeCmplDatetime")


class OrderWire(_Wire):
    order_number: str = Field(alias="orderNumber")
    order_progress: int = Field(alias="orderProgress")
    order_datetime: str = Field(alias="orderDatetime")
    shipping_cmpl_rpt_datetime: str | None = Field(None, alias="shippingCmplRptDatetime")
    packages: list[PackageWire] = Field(default_factory=list, alias="PackageModelList")
    change_reasons: list[ChangeReasonWire] | None = Field(None, alias="ChangeReasonModelList")


class GetOrderWire(MessagesWire):
    orders: list[OrderWire] | None = Field(None, alias="OrderModelList")
