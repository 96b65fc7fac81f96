"""Composition root: the one place that builds real adapters from settings.

Entry points call ``build_*`` here and hand the result to a service; tests build services
with fakes instead. No module-level clients or settings.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zaiko_xl.config import Settings
    from zaiko_xl.ports import HolidaySource, ReorderSink, ReorderSource
    from zaiko_xl.services.reorder import ReorderParams


@lru_cache(maxsize=1)
def holiday_source() -> HolidaySource:
    """Japanese public holidays (jpholiday), shared by the UDFs and the reorder command."""
    from zaiko_xl.adapters.jp_holidays import JpHolidaySource

    return JpHolidaySource()


def reorder_params(settings: Settings) -> ReorderParams:
    """The reorder service's rules from the ``[reorder]`` and ``[sale]`` settings."""
    from zaiko_xl.domain.demand import DemandOptions
    from zaiko_xl.services.reorder import ReorderParams

    r = settings.reorder
    windows = tuple((w.start, w.end) for w in settings.sale.windows) if r.exclude_sale_windows else ()
    return ReorderParams(
        review_days=r.review_period_days, service_type=r.service_type, service_level=r.service_level,
        tier_levels=dict(r.tier_service_levels), tier_cutoffs=tuple(r.tier_cutoffs), order_rule=r.order_rule,
        lot=r.lot, cover_days=r.cover_days, fixed_lot=r.fixed_lot, order_cost=r.order_cost_yen,
        holding_rate=r.holding_rate_per_year, stockout_cost_share=r.stockout_cost_share,
        demand=DemandOptions(annual_days=r.annual_days, recent_days=r.recent_days, recent_weight=r.recent_weight,
                             seasonality=r.seasonality, scale_std=r.scale_std_by_season),
        season_min_days=r.season_min_days, sale_windows=windows, excluded_dates=tuple(r.excluded_dates),
        weekend_days=tuple(r.weekend_days))


def build_reorder(settings: Settings, workbook: Path) -> tuple[ReorderSource, ReorderSink]:
    """CSV inputs (``[reorder] data_dir``, default the workbook's folder) and file outputs (``out_dir``)."""
    from zaiko_xl.adapters.reorder_files import CsvReorderSource, FileReorderSink

    data_dir = settings.resolve(settings.reorder.data_dir) if settings.reorder.data_dir else workbook.parent
    return CsvReorderSource(data_dir), FileReorderSink(settings.resolve(settings.reorder.out_dir))
